// @ts-check
// Keeping a page current while a person uses it: the workflow moves on its own, but a refresh must
// never wipe what someone is typing, nor an answer they have not read yet.

export const live = {
  /** Bumped on every navigation: a render that finishes after the user moved on is dropped, not shown. */
  generation: 0,
  /** @type {ReturnType<typeof setInterval> | undefined} the current page's refresh timer */
  refresh: undefined,
  /** After the user acts, the page holds still a moment so the answer to that action stays readable. */
  quietUntil: 0,
  /** When the person last typed anywhere on the page. */
  lastTyped: 0,
};

document.addEventListener('submit', () => {
  live.quietUntil = Date.now() + 5000;
});
document.addEventListener(
  'input',
  () => {
    live.lastTyped = Date.now();
  },
  true,
);

/** Stops the current page's refresh (on navigation). */
export function stopRefresh() {
  clearInterval(live.refresh);
  live.refresh = undefined;
}

/**
 * Shows the case anew a moment after an action (the workflow moves on its own), unless the person has
 * typed since: a refresh must never wipe what someone is entering into the next form.
 * @param {() => unknown} rerender
 * @param {number} ms
 */
export function refreshLater(rerender, ms) {
  const scheduledAt = Date.now();
  setTimeout(() => {
    if (live.lastTyped <= scheduledAt) rerender();
  }, ms);
}
