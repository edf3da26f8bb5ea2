import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { casePolicy } from '../app/policies.ts';
import { deviceHistoryQuery } from '../app/queries.ts';
import { visibleTo } from '../domain/access.ts';
import type { Case } from '../domain/case.ts';
import { failedRepairs } from '../domain/repairs.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getDeviceHistory'), async ({ brand, actor, params }) => {
  const history = await deviceHistoryQuery(brand, params.serial, actor, deps().repo);
  const latest = history.cases.at(-1);
  // N as the device's latest case was promised it (policy.ts, governingPolicy).
  const policy = await casePolicy(deps().policies, { brand, ...(latest as Partial<Case> | undefined) });
  const faults = [
    ...new Set(history.cases.flatMap((kase) => kase.repairAttempts.map((attempt) => attempt.faultCode))),
  ];
  return {
    status: 200,
    body: {
      serial: history.serial,
      ...(latest ? { device: latest.device } : {}),
      ...(history.replacementOf ? { replacementOf: history.replacementOf } : {}),
      failedRepairs: Object.fromEntries(
        faults.map((fault) => [fault, failedRepairs(history.cases, policy, fault)]),
      ),
      // A customer sees the device and its counts, but only their own cases of it (a device changes hands).
      // The repository returns whole cases; DeviceHistory types them only as far as the journey needs.
      cases: (history.cases as readonly Case[])
        .filter((kase) => visibleTo(kase, actor))
        .map((kase) => ({
          caseId: kase.caseId,
          openedAt: kase.openedAt,
          status: kase.status,
          ...(kase.outcome ? { outcome: kase.outcome } : {}),
          problem: kase.problem,
          repairAttempts: kase.repairAttempts,
          ...(kase.replacement ? { replacement: kase.replacement } : {}),
        })),
    },
  };
});
