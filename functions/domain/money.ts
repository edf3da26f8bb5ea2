/** Money is integers in minor units with a currency; this is how an amount is written for a person. */

export function formatMoney(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}
