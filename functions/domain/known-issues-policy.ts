import * as z from 'zod';

/** The brand's switch and numbers for detection; a brand without it detects nothing. */
export const KnownIssuesPolicy = z.strictObject({
  /** Reports of one model, firmware and symptom (or fault code) that make a known issue. */
  threshold: z
    .number('Give a whole number.')
    .int('Give a whole number.')
    .min(2, 'Give 2 or more: one report is one customer’s fault, not a fleet’s.')
    .max(1000, 'Give at most 1000.')
    .default(3),
  /** Over how many days the reports count. */
  windowDays: z
    .number('Give a whole number of days.')
    .int('Give a whole number of days.')
    .min(1, 'Give 1 day or more.')
    .max(365, 'Give at most 365 days.')
    .default(30),
});
export type KnownIssuesPolicy = z.infer<typeof KnownIssuesPolicy>;
