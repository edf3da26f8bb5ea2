import * as z from 'zod';

/**
 * A carrier account's webhook body, in EasyPost's shape: an Event whose `result` is the object that
 * changed (a Tracker for `tracker.updated`). Only what fairfix reads is checked; carriers add fields
 * freely, so the rest passes.
 */
export const CarrierWebhookEvent = z.looseObject({
  object: z.literal('Event'),
  id: z.string().trim().min(1).max(128),
  description: z.string().max(100),
  created_at: z.string().max(64).optional(),
  result: z.looseObject({
    object: z.string().max(64),
    id: z.string().max(128).optional(),
    tracking_code: z.string().max(64).optional(),
    status: z.string().max(64).optional(),
    updated_at: z.string().max(64).optional(),
    tracking_details: z
      .array(
        z.looseObject({
          status: z.string().max(64),
          message: z.string().max(1000).nullish(),
          datetime: z.string().max(64),
          tracking_location: z
            .looseObject({ city: z.string().max(200).nullish(), country: z.string().max(64).nullish() })
            .nullish(),
        }),
      )
      .max(500)
      .optional(),
  }),
});
export type CarrierWebhookEvent = z.infer<typeof CarrierWebhookEvent>;
