// @ts-check
// The DOM helpers every screen uses: text is always set as text, never parsed as HTML.

export const app = /** @type {HTMLElement} */ (document.getElementById('app'));

/**
 * Puts a screen on the page; absent parts (null, false) are left out, not written as text.
 * @param {...unknown} parts
 */
export const show = (...parts) =>
  app.replaceChildren(
    .../** @type {any[]} */ (parts)
      .flat(Infinity)
      .filter((part) => part !== null && part !== undefined && part !== false),
  );

/**
 * An element with attributes (`on…` ones are listeners) and children; absent children are left out.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...unknown} children
 * @returns {any} the element (any: callers reach into inputs and forms without casts)
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false || value === null) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'className') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of /** @type {any[]} */ (children).flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
