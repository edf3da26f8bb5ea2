import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { openCaseCommand, unknownFieldsOf } from '../app/commands/cases.ts';
import { unserializedSerialFor } from '../app/ids.ts';
import { policyOf } from '../app/policies.ts';
import { actorId } from '../domain/case.ts';
import { InvalidFieldsError } from '../domain/errors.ts';
import { openingErrors, withSerial } from '../domain/intake.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('openCase'),
  async ({ brand, actor, headers, body }) => {
    const refused = openingErrors(body, await policyOf(deps().policies, brand));
    if (refused.length > 0)
      throw new InvalidFieldsError([...refused, ...(await unknownFieldsOf(brand, actor, body, deps().repo))]);
    const key = headers['idempotency-key'];
    // A product sold without a serial is given one of its own (P13).
    const opening = withSerial(body, () => unserializedSerialFor(brand, actorId(actor), key));
    const { case: kase, created } = await openCaseCommand(
      { brand, actor, opening, ...(key ? { idempotencyKey: key } : {}) },
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
  // What a customer's or a device's earlier cases tell may be left out; what they do not is asked at once,
  // with a model the brand does not list, or a serial missing from a product sold with one (P9).
  {
    moreErrors: async ({ brand, actor }, body) => [
      ...(await unknownFieldsOf(brand, actor, body, deps().repo)),
      ...openingErrors(body, await policyOf(deps().policies, brand)),
    ],
  },
);
