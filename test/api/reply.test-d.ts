/**
 * Type-level tests of the HTTP edge, checked by `npm run typecheck` (tsc includes test/), not run by
 * vitest. Each `@ts-expect-error` must meet an error: if a change lets a wrong reply or a route
 * without an access through, the directive is unused and the type check fails.
 */
import { httpHandler } from '../../functions/api/http-handler.ts';
import { type Operation, operation } from '../../functions/api/operations.ts';

const acknowledgement = {
  caseId: 'RMA-000000000001',
  status: 'opened',
  nextStep: { name: 'Send the device', deadline: '2030-01-01T00:00:00.000Z' },
  escalationPath: [],
  links: { case: '/cases/RMA-000000000001' },
} as const;
const problem = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'No.' } as const;

// Replies that match their operation's responses pass.
httpHandler(operation('getHealth'), async () => ({ status: 200, body: { status: 'ok', time: 'now' } }));
httpHandler(operation('openCase'), async () => ({
  status: Math.random() > 0.5 ? 201 : 200,
  headers: { location: acknowledgement.links.case },
  body: acknowledgement,
}));
httpHandler(operation('bookVisit'), async () => ({ status: 409, body: problem }));
// A status declared without a schema answers in its own content type.
httpHandler(operation('getDocument'), async () => ({
  status: 200,
  body: Buffer.from('%PDF'),
  contentType: 'application/pdf',
}));

// A body that does not match its status's schema fails: a wrong value, a missing field, a wrong type.
// @ts-expect-error status must be 'ok'
httpHandler(operation('getHealth'), async () => ({ status: 200, body: { status: 'up', time: 'now' } }));
// @ts-expect-error time is required
httpHandler(operation('getHealth'), async () => ({ status: 200, body: { status: 'ok' } }));
// @ts-expect-error level is a number
httpHandler(operation('escalateCase'), async ({ params }) => ({
  status: 201,
  body: { caseId: params.caseId, level: '2', owner: { role: 'lead', contact: 'x' }, respondBy: 'soon' },
}));
// A status the operation does not declare fails, and so does one status's body under another.
// @ts-expect-error getHealth declares only 200
httpHandler(operation('getHealth'), async () => ({ status: 201, body: { status: 'ok', time: 'now' } }));
// @ts-expect-error a 409 answers a problem, not an acknowledgement
httpHandler(operation('bookVisit'), async () => ({ status: 409, body: acknowledgement }));
// @ts-expect-error a JSON reply has no content type of its own
httpHandler(operation('getHealth'), async () => ({
  status: 200,
  body: { status: 'ok', time: 'now' },
  contentType: 'text/plain',
}));

// Every operation says what its function may touch: leaving it out fails.
const route = (op: Operation) => op;
const getX = { operationId: 'getX', method: 'GET', path: '/x', summary: 'x', entry: 'x', roles: [] } as const;
// @ts-expect-error access is required
route({ ...getX, responses: {} });
route({ ...getX, access: 'none', responses: {} });
