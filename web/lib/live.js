// @ts-check
// Keeping a page current while a person uses it: the workflow moves on its own, but a refresh must
// never wipe what someone is typing, nor an answer they have not read yet.

export const live = {
  /** Bumped on every navigation: a render that finishes after the user moved on is dropped, not shown. */
  generation: 0,
  /** @type {ReturnType<typeof setInterval> | undefined} the current page's refresh timer */
  refresh: undefined,
  /** When the person last typed anywhere on the page. */
  lastTyped: 0,
};

document.addEventListener(
  'input',
  (event) => {
    live.lastTyped = Date.now();
    if (event.target instanceof Element) hold(event.target);
  },
  true,
);

/**
 * Keeps a panel as it is when its page refreshes: the person typed in it, or it shows an error they
 * have not fixed yet. A panel is a section with `data-panel` (its name, the same on every render).
 * @param {Element} inside
 */
export function hold(inside) {
  inside.closest('[data-panel]')?.setAttribute('data-held', '');
}

/**
 * Lets the next refresh draw the panel anew (what it asked for was done).
 * @param {Element} inside
 */
export function release(inside) {
  inside.closest('[data-panel]')?.removeAttribute('data-held');
}

/**
 * Puts back, into a new render, each panel on the page that is held, in place of its new twin.
 * @param {Element} page where the current render is
 * @param {DocumentFragment} fresh the new render
 */
export function keepHeld(page, fresh) {
  for (const old of /** @type {NodeListOf<HTMLElement>} */ (
    page.querySelectorAll('[data-panel][data-held]')
  )) {
    fresh.querySelector(`[data-panel="${CSS.escape(old.dataset.panel ?? '')}"]`)?.replaceWith(old);
  }
}

/**
 * Says what an action did in the page's status line, which outlives the page's refreshes; `fallback`
 * when the page has none.
 * @param {Element} fallback
 * @param {Node | string} what
 */
export function announce(fallback, what) {
  (document.getElementById('flash') ?? fallback).replaceChildren(what);
}

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

/**
 * Asks `check` every few seconds whether the page changed (it redraws only then), one question at a
 * time: a slow answer is not overtaken by the next, and a failed one (offline) is asked again later.
 * @param {() => Promise<unknown>} check
 */
export function keepCurrent(check) {
  let asking = false;
  live.refresh = setInterval(async () => {
    if (asking) return;
    asking = true;
    try {
      await check();
    } catch {
      // Offline or the server restarting: the page stays as it is and asks again at the next tick.
    } finally {
      asking = false;
    }
  }, 2500);
}
