import { dateTimeFormat, knownTimeZone } from './intl.ts';
import type { BrandPolicy } from './policy.ts';

/**
 * Deadlines of the brand's own work (diagnosis, repair, a follow-up) counted in its business hours, in
 * its timezone, holidays excluded: three days to diagnose a device that arrived on Friday evening do not
 * run over the weekend. A brand without business hours counts every second, as before. Waits on the
 * customer and on the carrier are never counted this way: they are not the brand's hours.
 */

type Hours = NonNullable<BrandPolicy['businessHours']>;

const MINUTE_MS = 60_000;
/** Ten years of days: a calendar with no working day at all cannot loop for ever. */
const MAX_DAYS = 3_660;

/** The deadline `seconds` of the brand's working time after `start`. */
export function brandDeadline(start: Date, seconds: number, policy: BrandPolicy): string {
  const hours = policy.businessHours;
  if (!hours) return new Date(start.getTime() + seconds * 1000).toISOString();
  return businessDeadline(start, seconds, hours).toISOString();
}

export function businessDeadline(start: Date, seconds: number, hours: Hours): Date {
  let remaining = seconds * 1000;
  let day = localDay(start, hours.timezone);
  for (let count = 0; count < MAX_DAYS; count++) {
    if (hours.days.includes(weekday(day)) && !hours.holidays.includes(day)) {
      const opens = zonedInstant(day, hours.opens, hours.timezone);
      const closes = zonedInstant(day, hours.closes, hours.timezone);
      const from = Math.max(opens, start.getTime());
      if (from < closes) {
        if (closes - from >= remaining) return new Date(from + remaining);
        remaining -= closes - from;
      }
    }
    day = nextDay(day);
  }
  throw new RangeError('The business hours have no working time in ten years.');
}

/** The brand's local calendar day of an instant, `YYYY-MM-DD`. */
function localDay(at: Date, timezone: string): string {
  const parts = dateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  return parts;
}

/** ISO weekday of a calendar day: Monday 1 ... Sunday 7. */
function weekday(day: string): number {
  const sunday0 = new Date(`${day}T12:00:00Z`).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The instant a wall-clock time of a day is in a timezone (DST included), in epoch milliseconds. */
function zonedInstant(day: string, time: string, timezone: string): number {
  const naive = Date.parse(`${day}T${time}:00Z`);
  const first = naive - offsetMs(naive, timezone);
  // Once more at the instant found: the offset may differ across a change of daylight saving time.
  return naive - offsetMs(first, timezone);
}

/** How far the timezone's wall clock is ahead of UTC at an instant. */
function offsetMs(at: number, timezone: string): number {
  const parts = Object.fromEntries(
    dateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return wall - Math.floor(at / MINUTE_MS) * MINUTE_MS;
}

/** Whether a timezone name is one the runtime knows (IANA), for the policy's checks. */
export function knownTimezone(timezone: string): boolean {
  return knownTimeZone(timezone);
}
