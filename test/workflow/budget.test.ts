import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleDriver } from '../../bench/lifecycle.ts';
import { meterStore } from '../../bench/store-meter.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { REGION } from '../../local/template.ts';
import { startTestCloud } from '../support/cloud.ts';

/**
 * Issue 13's budget of a happy depot case, in what can be counted rather than timed: state transitions
 * (each billed on AWS Standard workflows) and requests to the table. `npm run bench` prints the same
 * figures with the times and the modelled cost.
 */
// Today's figures with room for what a busy machine adds: 50-57 requests net of the test's own reads
// alone, 64 under the full suite (a command re-reads and retries on a concurrent update, and more of
// them collide when the machine is slow); 45-48 writes. Issue 13's goal for transitions is 15: the
// workflow's shape is where they go down. Since notices are delivered (issue 15), the notifier records
// each notice's delivery state on the case: one more write per notice, about ten in a happy case (62
// writes measured under the full suite).
const BUDGET = { transitions: 25, tableRequests: 75, tableWrites: 66 };

let cloud: LocalCloud;
beforeAll(async () => {
  // Hours pass in seconds: the case's own timers (none expire on the happy path) do not hold it up.
  cloud = await startTestCloud(3600);
});
afterAll(() => cloud?.stop());

describe('a happy depot case, open to closed', () => {
  it(`takes at most ${BUDGET.transitions} state transitions, ${BUDGET.tableRequests} table requests, ${BUDGET.tableWrites} of them writes`, async () => {
    const table = cloud.model.tables[0];
    if (!table) throw new Error('The template has no table');
    const meter = meterStore(cloud.servers.dynamodb, table);
    const driver = lifecycleDriver(cloud);
    const caseId = await driver.happy(1);
    const lifecycle = { ...meter.counts.requests };
    const reads = driver.reads;
    // What one read of the case costs, to take the test's own polling out of the count.
    meter.reset();
    await lifecycleDriver(cloud).waitFor(caseId, () => true);
    const perRead = Object.values(meter.counts.requests).reduce((sum, n) => sum + n, 0);
    const machine = cloud.model.stateMachines[0]?.arn as string;
    const sfn = new SFNClient({
      endpoint: cloud.urls.stepFunctions,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const { events } = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${caseId}`,
        maxResults: 1000,
      }),
    );

    const transitions = (events ?? []).filter((event) => event.type?.endsWith('StateEntered')).length;
    const requests = Object.values(lifecycle).reduce((sum, n) => sum + n, 0) - reads * perRead;
    expect(perRead).toBeGreaterThan(0);
    expect(transitions).toBeLessThanOrEqual(BUDGET.transitions);
    expect(requests).toBeLessThanOrEqual(BUDGET.tableRequests);
    expect((lifecycle.PutItem ?? 0) + (lifecycle.BatchWriteItem ?? 0)).toBeLessThanOrEqual(
      BUDGET.tableWrites,
    );
  });
});
