import type { TimelineEntry } from './case.ts';
import type { CaseEvent } from './schemas.ts';

/**
 * The case's timeline: append-only, every interaction on it, committed with the change it records.
 * Entries are never rewritten; a supersession or a refusal is an entry of its own.
 */

export function entry(now: Date, type: string, summary: string, by: string): TimelineEntry {
  return { at: now.toISOString(), type, summary, by };
}

export function describe(event: CaseEvent): string {
  return `Event "${event.type}" (${event.eventId})`;
}
