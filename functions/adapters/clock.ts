/**
 * The time functions see. On AWS it is the system clock; the local cloud, which runs the same
 * handlers in its own process, installs its controllable clock here so deadlines follow it.
 */
let source: () => number = Date.now;

export const clock = {
  now: (): Date => new Date(source()),
};

export function useClockSource(next: () => number): void {
  source = next;
}
