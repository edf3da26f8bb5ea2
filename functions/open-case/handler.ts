import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { openCaseCommand, unknownDeviceFieldsOf } from '../app/commands/cases.ts';
import { unserializedSerialFor } from '../app/ids.ts';
import { actorId } from '../domain/case.ts';
import { InvalidFieldsError } from '../domain/errors.ts';
import { openingErrors, withSerial } from '../domain/intake.ts';
import { policyFor } from '../domain/policy.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('openCase'),
  async ({ brand, actor, headers, body }) => {
    const refused = openingErrors(body, policyFor(brand));
    if (refused.length > 0) throw new InvalidFieldsError(refused);
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
  // A serial we know supplies model and purchase date; one we do not makes them required, said at once.
  // A model the brand does not list, or a serial missing from a product sold with one, is named with them too.
  {
    moreErrors: async ({ brand, actor }, body) => [
      ...(await unknownDeviceFieldsOf(brand, actor, body, deps().repo)),
      ...openingErrors(body, policyFor(brand)),
    ],
  },
);
