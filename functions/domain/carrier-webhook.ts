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
  created_at: z.string().optional(),
  result: z.looseObject({
    object: z.string(),
    id: z.string().optional(),
    tracking_code: z.string().max(64).optional(),
    status: z.string().max(64).optional(),
    updated_at: z.string().optional(),
    tracking_details: z
      .array(
        z.looseObject({
          status: z.string(),
          message: z.string().nullish(),
          datetime: z.string(),
          tracking_location: z
            .looseObject({ city: z.string().nullish(), country: z.string().nullish() })
            .nullish(),
        }),
      )
      .max(500)
      .optional(),
  }),
});
export type CarrierWebhookEvent = z.infer<typeof CarrierWebhookEvent>;
