// @ts-check
// fairfix web: the brand settings page for the brand's admin. Edit the policy as JSON, review what
// changes against the current version before saving, see every error at once, and the history.

/** The top-level fields whose values differ between two policies, with both values. */
export function differences(before, after) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys
    .filter((key) => JSON.stringify(before?.[key]) !== JSON.stringify(after?.[key]))
    .map((key) => ({ key, before: before?.[key], after: after?.[key] }));
}

const compact = (value) => (value === undefined ? '(none)' : JSON.stringify(value, null, 1));

/**
 * The page, rendered with the app's own helpers (passed in, so this module holds no second copy):
 * `h` builds elements, `show` puts them on the page, `api` calls the HTTP API with the session's token.
 */
export async function settingsPage({ h, show, api, requireSession, problemBox, fmtTime }) {
  const signedIn = requireSession(['admin']);
  if (!signedIn) return;
  const current = await api('GET', '/brand/policy');
  if (!current.ok) {
    show(h('h1', {}, 'Brand settings'), problemBox(current.body, 'The policy could not be read.'));
    return;
  }
  let base = current.body;
  let etag = current.headers.etag;

  const editor = h('textarea', {
    id: 'policy-json',
    rows: 28,
    spellcheck: 'false',
    'aria-describedby': 'policy-hint',
  });
  editor.value = JSON.stringify(base, null, 2);
  const review = h('section', { 'aria-live': 'polite', className: 'review' });
  const errors = h('div', { role: 'alert' });
  const history = h('section', {}, h('h2', {}, 'History'));

  const edited = () => {
    try {
      return { document: JSON.parse(editor.value) };
    } catch (error) {
      return { invalid: `This is not JSON yet: ${error instanceof Error ? error.message : String(error)}` };
    }
  };

  const showReview = () => {
    errors.replaceChildren();
    const { document, invalid } = edited();
    if (invalid) {
      review.replaceChildren(h('p', { className: 'problem' }, invalid));
      return undefined;
    }
    const changes = differences(base, document);
    review.replaceChildren(
      h('h2', {}, `Changes against version ${etag?.replaceAll('"', '')}`),
      changes.length === 0
        ? h('p', {}, 'Nothing changed.')
        : h(
            'table',
            { className: 'diff' },
            h(
              'thead',
              {},
              h('tr', {}, h('th', {}, 'field'), h('th', {}, 'now'), h('th', {}, 'after saving')),
            ),
            h(
              'tbody',
              {},
              changes.map((change) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, change.key),
                  h('td', {}, h('pre', {}, compact(change.before))),
                  h('td', {}, h('pre', {}, compact(change.after))),
                ),
              ),
            ),
          ),
    );
    return document;
  };

  const save = async () => {
    const document = showReview();
    if (!document) return;
    const saved = await api('PUT', '/brand/policy', document, { 'if-match': etag });
    if (saved.ok) {
      base = document;
      etag = saved.headers.etag;
      review.replaceChildren(h('p', { role: 'status' }, `Saved as version ${saved.body.version}.`));
      await loadHistory();
      return;
    }
    errors.replaceChildren(
      problemBox(saved.body, 'Nothing was saved.'),
      saved.status === 412
        ? h(
            'p',
            {},
            'Someone saved a newer version meanwhile: reload this page, then make your change again.',
          )
        : null,
      saved.body?.errors
        ? h(
            'ul',
            { className: 'field-errors' },
            saved.body.errors.map((error) => h('li', {}, h('code', {}, error.pointer), ' ', error.detail)),
          )
        : null,
    );
  };

  async function loadHistory() {
    const versions = await api('GET', '/brand/policy/versions');
    history.replaceChildren(
      h('h2', {}, 'History'),
      versions.ok
        ? h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'version'),
                h('th', {}, 'saved by'),
                h('th', {}, 'when'),
                h('th', {}, 'changed'),
              ),
            ),
            h(
              'tbody',
              {},
              versions.body.items.map((item) =>
                h(
                  'tr',
                  {},
                  h('td', {}, String(item.version)),
                  h('td', {}, item.savedBy),
                  h('td', {}, fmtTime(item.savedAt)),
                  h('td', {}, item.changed.join(', ')),
                ),
              ),
            ),
          )
        : problemBox(versions.body, 'The history could not be read.'),
    );
  }

  show(
    h('h1', {}, `Brand settings: ${base.displayName}`),
    h(
      'p',
      { id: 'policy-hint' },
      'The brand’s policy: coverage, deadlines (in seconds), the escalation ladder, the range, technicians and published reasons. ' +
        'Cases opened from now on are promised the new terms; people, contacts and reasons change for every case at once.',
    ),
    h('label', { for: 'policy-json' }, 'Policy (JSON)'),
    editor,
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', className: 'secondary', onclick: showReview }, 'Review changes'),
      h('button', { type: 'button', onclick: save }, 'Save as a new version'),
    ),
    errors,
    review,
    history,
  );
  await loadHistory();
}
