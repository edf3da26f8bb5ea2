import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { openCaseCommand, unknownDeviceFieldsOf } from '../app/commands/cases.ts';
import { InvalidFieldsError } from '../domain/errors.ts';
import { unknownModelErrors } from '../domain/intake.ts';
import { policyFor } from '../domain/policy.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('openCase'),
  async ({ brand, actor, headers, body }) => {
    const unknownModel = unknownModelErrors(body, policyFor(brand));
    if (unknownModel.length > 0) throw new InvalidFieldsError(unknownModel);
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
  // A serial we know supplies model and purchase date; one we do not makes them required, said at once.
  // A model the brand does not list is named with them too, with the brand's models.
  {
    moreErrors: async ({ brand, actor }, body) => [
      ...(await unknownDeviceFieldsOf(brand, actor, body, deps().repo)),
      ...unknownModelErrors(body, policyFor(brand)),
    ],
  },
);
