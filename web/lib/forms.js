// @ts-check
// Form plumbing: fields are named by the JSON pointer the API reports errors with, so a 400's errors
// land next to the fields they are about, every one at once.

import { problemBox } from './api.js';
import { h } from './dom.js';
import { announce, hold, release } from './live.js';

/**
 * @typedef {object} FieldSpec
 * @property {string} pointer the JSON pointer of the value in the request body
 * @property {string} label
 * @property {string} [type] an input type, or `select`, `textarea`
 * @property {boolean} [required]
 * @property {[string, string][]} [options] for a select: value and words
 * @property {string} [hint]
 * @property {unknown} [value]
 * @property {Record<string, string | undefined>} [attrs]
 * @property {string} [scope] keeps ids unique when two forms on a page ask for the same pointer
 */

/**
 * A labelled control with its hint and its error line.
 * @param {FieldSpec} spec
 * @returns {any}
 */
export function field({
  pointer,
  label,
  type = 'text',
  required = false,
  options,
  hint,
  value,
  attrs = {},
  scope,
}) {
  // Ids are unique per page: two forms may ask for the same pointer (a depot's fault code, twice).
  const id = `f-${scope ? `${scope}-` : ''}${pointer.replace(/[^a-z0-9]+/gi, '-')}`;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : undefined;
  const common = {
    id,
    name: pointer,
    'data-pointer': pointer,
    'aria-required': required ? 'true' : undefined,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
    ...attrs,
  };
  let control;
  if (type === 'select') {
    control = h(
      'select',
      common,
      (options ?? []).map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    );
  } else if (type === 'textarea') {
    control = h('textarea', common, value ?? '');
  } else if (type === 'checkbox') {
    control = h('input', { ...common, type, checked: Boolean(value) });
  } else {
    control = h('input', { ...common, type, value: value ?? '' });
  }
  const labelEl = h(
    'label',
    { for: id },
    label,
    required ? h('span', { className: 'req', 'aria-hidden': 'true' }, '*') : null,
  );
  return h(
    'div',
    { className: type === 'checkbox' ? 'field inline' : 'field' },
    type === 'checkbox' ? [control, labelEl] : [labelEl, control],
    hint ? h('p', { className: 'hint', id: hintId }, hint) : null,
    h('p', { className: 'error', id: errorId }),
  );
}

/**
 * Shows every error next to its field, and a summary for those that belong to no single field.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} summary
 * @param {import('./api.js').Problem | undefined} problem
 */
export function showErrors(form, summary, problem) {
  clearErrors(form, summary);
  hold(form);
  const unplaced = [];
  for (const error of problem?.errors ?? []) {
    const control = form.querySelector(`[data-pointer="${CSS.escape(error.pointer)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      const line = document.getElementById(`${control.id}-error`);
      if (line) line.textContent = error.detail;
    } else {
      unplaced.push(error);
    }
  }
  summary.replaceChildren(
    h(
      'div',
      { className: 'problem', role: 'alert', tabindex: '-1' },
      h('strong', {}, problem?.title ?? 'Your request has errors'),
      h('p', {}, `${problem?.errors?.length ?? 0} field(s) need attention. Nothing you typed was lost.`),
      unplaced.length > 0
        ? h(
            'ul',
            {},
            unplaced.map((e) => h('li', {}, `${e.pointer.replace('#/', '')}: ${e.detail}`)),
          )
        : null,
    ),
  );
  /** @type {HTMLElement | null} */ (
    form.querySelector('[aria-invalid="true"]') ?? summary.firstElementChild
  )?.focus();
}

export function clearErrors(form, summary) {
  summary.replaceChildren();
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const error of form.querySelectorAll('.error')) error.textContent = '';
}

/**
 * Reads the form into the JSON the API takes, by each control's pointer; empty optional fields are left out.
 * @param {HTMLFormElement} form
 * @returns {Record<string, any>}
 */
export function readForm(form) {
  const out = {};
  for (const control of /** @type {NodeListOf<HTMLInputElement>} */ (
    form.querySelectorAll('[data-pointer]')
  )) {
    if (control.closest('[hidden]')) continue;
    const value = control.type === 'checkbox' ? control.checked : control.value.trim();
    if (value === '' && control.getAttribute('aria-required') !== 'true') continue;
    const keys = (control.dataset.pointer ?? '').slice(2).split('/');
    let target = out;
    // A number names a list's item (`#/address/street/0`): its parent is a list.
    for (const [i, key] of keys.slice(0, -1).entries())
      target = target[key] ??= /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
    target[keys.at(-1) ?? ''] =
      control.dataset.kind === 'list'
        ? String(value)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : value;
  }
  return out;
}

/**
 * What an action's answer means on the page: field errors next to their fields (400), any other
 * problem in the panel's summary, both kept through refreshes until fixed; success said in the page's
 * status line and the panel let go. Says whether it succeeded.
 * @param {HTMLFormElement | null} form
 * @param {HTMLElement} summary
 * @param {import('./api.js').ApiResponse} response
 * @param {string} success
 */
export function report(form, summary, response, success) {
  if (form && response.status === 400) {
    showErrors(form, summary, response.body);
    return false;
  }
  if (form) clearErrors(form, summary);
  if (!response.ok) {
    summary.replaceChildren(problemBox(response.body));
    hold(summary);
    return false;
  }
  summary.replaceChildren();
  release(summary);
  announce(summary, h('p', { className: 'notice' }, success));
  return true;
}
