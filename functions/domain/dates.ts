/** Calendar arithmetic on ISO dates (YYYY-MM-DD) and instants, in UTC. */
export function addMonths(isoDate: string, months: number): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  const day = date.getUTCDate();
  date.setUTCMonth(date.getUTCMonth() + months);
  // 31 January + 1 month is the last day of February, not 3 March.
  if (date.getUTCDate() !== day) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export const isoDay = (instant: Date) => instant.toISOString().slice(0, 10);

export const isoAfter = (now: Date, seconds: number) =>
  new Date(now.getTime() + seconds * 1000).toISOString();

/** The later of two ISO dates (they sort as text). */
export const laterDay = (a: string, b: string) => [a, b].sort()[1] as string;

/** The later of two instants given as ISO-8601 strings. */
export const laterIso = (a: string, b: string) => (new Date(a) > new Date(b) ? a : b);
