import { describe, expect, it } from 'vitest';
import { CaseStatus } from '../../functions/domain/case.ts';
import { awaitedWhile, takenNow, WAITS } from '../../functions/domain/waits.ts';

/** What a person's screen offers (issue 16): only the events the case takes now, from the declared waits. */
describe('takenNow', () => {
  it('offers the current wait’s events, not those kept for a later step', () => {
    expect(takenNow('at-depot', WAITS.diagnosis.state)).toEqual(['diagnosed', 'part-removed']);
    // A diagnosis would be kept while the device travels (awaitedWhile), but it is not offered then.
    expect(awaitedWhile('diagnosed')).toContain('awaiting-arrival');
    expect(takenNow('awaiting-arrival', WAITS.arrival.state)).not.toContain('diagnosed');
  });

  it('adds what no step waits for but the status allows, and nothing for a closed case but its waits', () => {
    expect(takenNow('in-repair', WAITS.repair.state)).toEqual([
      'repair-attempted',
      'shipped',
      'part-removed',
    ]);
    expect(takenNow('closed', WAITS.survey.state)).toEqual(['survey-answered']);
    expect(takenNow('closed', undefined)).toEqual([]);
  });

  it('offers only events that some wait or status allows in every status', () => {
    for (const status of CaseStatus.options) {
      for (const wait of Object.values(WAITS)) {
        for (const type of takenNow(status, wait.state).filter((type) => type !== 'part-removed'))
          expect(awaitedWhile(type as never).length, `${type} in ${status}`).toBeGreaterThan(0);
      }
    }
  });
});
