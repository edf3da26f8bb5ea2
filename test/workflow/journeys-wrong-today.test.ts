import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, nextId } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { isoDaysAgo, Journey, opening } from '../support/journey.ts';

/**
 * Journeys of issue 12 that were wrong, each through the synthesized workflow on the local cloud: every
 * bad input is a 400 problem naming every field at once (P9). This file has its own cloud, so moving
 * its clock moves no other file's cases.
 */
let cloud: LocalCloud;
let journey: Journey;
let agent: ApiClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
  agent = ApiClient.as(cloud, 'acme', 'agent', 'agent-kim');
});
afterAll(() => cloud?.stop());

/** An out-of-warranty device at the depot, denied for OUT-OF-WARRANTY and waiting for the estimate answer. */
async function deniedOutOfWarranty() {
  const caseId = await journey.open(opening({ purchaseDate: isoDaysAgo(cloud.clock.now(), 4 * 365) }));
  await journey.toDepot(caseId);
  await journey.depotEvent(caseId, {
    type: 'diagnosed',
    faultCode: 'BAT-02',
    cause: 'wear',
    covered: false,
    estimate: [{ description: 'Battery', amountMinor: 4_900 }],
  });
  await journey.waitsFor(caseId, 'Wait for estimate answer');
  return caseId;
}

describe('a supersession with several errors (issue 12, journey 13; P8, P9)', () => {
  it('names every field error at once: an unknown reason code together with a too-short justification', async () => {
    const caseId = await deniedOutOfWarranty();
    const path = `/cases/${caseId}/decisions/coverage/supersessions`;
    const refused = await agent.post(path, {
      supersessionId: nextId('sup'),
      code: 'NOT-A-CODE',
      justification: 'no',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '#/justification', detail: expect.any(String) },
        { pointer: '#/code', detail: expect.stringContaining('WEAR-AND-TEAR') },
      ]),
    );
    expect(refused.body.errors).toHaveLength(2);
    // Nothing changed: the denial keeps its reason.
    expect((await journey.get(caseId)).decisions).toEqual([
      expect.objectContaining({ code: 'OUT-OF-WARRANTY', status: 'live' }),
    ]);
  });
});
