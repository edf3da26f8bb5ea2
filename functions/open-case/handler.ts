import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { openCaseCommand, unknownFieldsOf } from '../app/commands/cases.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('openCase'),
  async ({ brand, actor, headers, body }) => {
    const { case: kase, created } = await openCaseCommand(
      {
        brand,
        actor,
        opening: body,
        ...(headers['idempotency-key'] ? { idempotencyKey: headers['idempotency-key'] } : {}),
      },
      deps(),
    );
    const location = `/cases/${kase.caseId}`;
    return {
      status: created ? 201 : 200,
      headers: { location },
      body: {
        caseId: kase.caseId,
        status: kase.status,
        nextStep: kase.nextStep,
        escalationPath: kase.escalationPath,
        links: { case: location },
      },
    };
  },
  // What a customer's or a device's earlier cases tell may be left out; what they do not is asked at once.
  { moreErrors: ({ brand, actor }, body) => unknownFieldsOf(brand, actor, body, deps().repo) },
);
