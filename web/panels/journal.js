// @ts-check
// A case's journals as its customer reads them: the notices they were sent, and the timeline in words.

import { h } from '../lib/dom.js';
import { fmtTime, openCaseHref, plain, t, timelineLine } from '../lib/words.js';

/**
 * @typedef {{ at: string, channel: string, to: string, text: string,
 *   parts?: { message: string, next?: { name: string, deadline: string }, owner: string } }} Notice
 */

/**
 * What a notice said, in plain words: its message, the next step with its deadline in the reader's
 * time, and who owns the case.
 * @param {Notice} notice
 */
function noticeWords(notice) {
  if (!notice.parts) return plain(notice.text);
  const { message, next, owner } = notice.parts;
  return [
    plain(message),
    next ? t('mine.next', { step: next.name, deadline: fmtTime(next.deadline) }) : '',
    owner ? t('case.owner', { owner }) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * A campaign's invitation, as the link it is: the open-case page with the device filled in.
 * @param {string} text
 */
function openLink(text) {
  const href = openCaseHref(text);
  return href ? [' ', h('a', { href, 'data-open-for-device': '' }, t('campaign.openRepair'))] : null;
}

/**
 * The notices sent about the case, newest first: when, how, to whom, and what they said.
 * @param {{ notifications?: Notice[] }} kase
 */
export function noticesPanel(kase) {
  const notices = [...(kase.notifications ?? [])].reverse();
  return h(
    'section',
    { 'aria-labelledby': 'notices' },
    h('h2', { id: 'notices' }, t('case.notices')),
    notices.length === 0
      ? h('p', { className: 'hint' }, t('case.noNotices'))
      : h(
          'ul',
          { className: 'notices' },
          notices.map((notice) =>
            h(
              'li',
              { 'data-channel': notice.channel },
              h('time', { datetime: notice.at }, fmtTime(notice.at)),
              ' ',
              h(
                'strong',
                {},
                `${notice.channel === 'sms' ? t('channel.sms') : t('channel.email')} (${notice.to}): `,
              ),
              noticeWords(notice),
              openLink(notice.text),
            ),
          ),
        ),
  );
}

/**
 * Everything that happened on the case, oldest first: what kind of thing, in words, and what it was.
 * @param {{ timeline: { at: string, type: string, summary: string }[] }} kase
 */
export function timelinePanel(kase) {
  return h(
    'section',
    { 'aria-labelledby': 'timeline' },
    h('h2', { id: 'timeline' }, t('case.timeline')),
    h(
      'ol',
      { className: 'timeline' },
      kase.timeline.map((entry) =>
        h(
          'li',
          { 'data-type': entry.type },
          h('time', { datetime: entry.at }, fmtTime(entry.at)),
          ' ',
          h('strong', {}, `${timelineLine(entry).what}: `),
          timelineLine(entry).detail,
        ),
      ),
    ),
  );
}
