import { describe, expect, it } from 'vitest';
import {
  decideIssue,
  issueWords,
  type KnownIssue,
  reportsToForget,
  reportsWithin,
} from '../../functions/domain/known-issues.ts';

const now = new Date('2026-12-05T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

const issue: KnownIssue = {
  issueId: 'KI-0123456789AB',
  brand: 'acme',
  model: 'Cam 3',
  firmwares: ['3.1.0'],
  kind: 'symptom',
  what: 'does-not-power-on',
  status: 'open',
  openedAt: daysAgo(1),
  raisedBy: ['RMA-1', 'RMA-2', 'RMA-3'],
  decisions: [],
};

describe('counting reports', () => {
  it('counts only the reports within the window, oldest first', () => {
    const reports = { 'RMA-A': daysAgo(31), 'RMA-B': daysAgo(2), 'RMA-C': daysAgo(29) };
    expect(reportsWithin(reports, 30, now)).toEqual(['RMA-C', 'RMA-B']);
  });

  it('lets go of stale reports and of the oldest beyond what counting needs, never a recent one it needs', () => {
    const reports = {
      stale: daysAgo(40),
      a: daysAgo(5),
      b: daysAgo(4),
      c: daysAgo(3),
      d: daysAgo(2),
    };
    expect(reportsToForget(reports, { windowDays: 30, keep: 3, now }).sort()).toEqual(['a', 'stale']);
    expect(reportsToForget(reports, { windowDays: 30, keep: 10, now })).toEqual(['stale']);
  });
});

describe('decisions on a known issue', () => {
  it('widens the firmware range once per decision id, and the words follow', () => {
    const request = { decisionId: 'd1', action: 'widen' as const, firmwares: ['3.1.1', '3.1.0'] };
    const widened = decideIssue(issue, request, 'agent:ann', now);
    expect(widened.firmwares).toEqual(['3.1.0', '3.1.1']);
    expect(decideIssue(widened, request, 'agent:ann', now)).toBe(widened);
    expect(issueWords(widened)).toBe('a known issue with Cam 3 on firmware 3.1.0 or 3.1.1');
  });

  it('keeps a dismissal’s reason, who and when', () => {
    const dismissed = decideIssue(
      issue,
      { decisionId: 'd2', action: 'dismiss', reason: 'Third-party chargers.' },
      'admin:bo',
      now,
    );
    expect(dismissed).toMatchObject({
      status: 'dismissed',
      dismissal: { reason: 'Third-party chargers.', by: 'admin:bo', at: now.toISOString() },
    });
  });
});
