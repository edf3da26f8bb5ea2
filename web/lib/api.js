// @ts-check
// The HTTP API, called with the session's token: the same API the tests and curl use.

import { h } from './dom.js';
import { session } from './session.js';

/**
 * @typedef {{ title?: string, detail?: string, status?: number,
 *   errors?: { pointer: string, detail: string }[] }} Problem RFC 9457 problem details
 * @typedef {{ ok: boolean, status: number, body: any, headers: Record<string, string> }} ApiResponse
 */

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<ApiResponse>}
 */
export async function api(method, path, body, headers = {}) {
  const current = session.get();
  const response = await fetch(path, {
    method,
    headers: {
      ...(current ? { authorization: `Bearer ${current.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = { title: text };
  }
  return {
    ok: response.ok,
    status: response.status,
    body: json,
    headers: Object.fromEntries(response.headers),
  };
}

/**
 * A problem the API reported, as an alert.
 * @param {Problem | undefined} body
 * @param {string} [fallback]
 */
export function problemBox(body, fallback = 'Something went wrong.') {
  return h(
    'div',
    { className: 'problem', role: 'alert' },
    h('strong', {}, body?.title ?? fallback),
    body?.detail ? h('p', {}, body.detail) : null,
  );
}

/**
 * Saves a case's document (a label, a certificate) through the browser's download.
 * @param {string} caseId
 * @param {string} documentId
 * @param {string} filename
 */
export async function downloadDocument(caseId, documentId, filename) {
  const current = session.get();
  const response = await fetch(`/cases/${caseId}/documents/${documentId}`, {
    headers: current ? { authorization: `Bearer ${current.token}` } : {},
  });
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
