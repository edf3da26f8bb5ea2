// @ts-check
// Words and formats: dates and money in the reader's locale and timezone.

/** @param {string} iso */
export const fmtTime = (iso) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * @param {number} minor
 * @param {string} currency
 */
export const money = (minor, currency) => `${(minor / 100).toFixed(2)} ${currency}`;
