import { z } from 'zod';
import {
  CarrierEvent,
  Case,
  CaseOpening,
  DepotEvent,
  EscalationLevel,
  EscalationRequest,
  EstimateAnswer,
  NextStep,
} from '../domain/case.ts';

/**
 * Every route of the HTTP API, once: the CDK stack creates the routes and functions from this list,
 * the handlers validate with its schemas, and /openapi.json is generated from it.
 */
export interface Operation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly summary: string;
  /** The handler module, relative to the repository root. */
  readonly entry: string;
  /** Roles on the brand that may call it; empty means no token is needed. */
  readonly roles: readonly Role[];
  readonly params?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, { description: string; schema?: z.ZodType }>>;
}

export const Role = z.enum(['customer', 'agent', 'depot', 'technician', 'carrier', 'reviewer']);
export type Role = z.infer<typeof Role>;

export const CaseId = z
  .string()
  .regex(/^RMA-[0-9A-Z]{12}$/, 'must look like RMA- followed by 12 letters or digits');

export const CaseAcknowledgement = z.object({
  caseId: CaseId,
  status: z.string(),
  nextStep: NextStep,
  escalationPath: z.array(EscalationLevel),
  links: z.object({ case: z.string() }),
});

export const EventReceipt = z.object({
  caseId: CaseId,
  eventId: z.string(),
  /** applied: it resumed the waiting step; kept: for a step still to come; recorded: on the timeline only. */
  outcome: z.enum(['applied', 'kept', 'recorded', 'duplicate']),
});

export const QueueItem = z.object({
  caseId: CaseId,
  status: z.string(),
  device: Case.shape.device,
  problem: z.object({ description: z.string(), category: z.string() }),
  nextStep: NextStep,
  overdue: z.boolean(),
  waitingFor: z.string().optional(),
  /** What the depot can report now, by event type. */
  lane: z.enum(['incoming', 'awaiting-diagnosis', 'awaiting-customer', 'repair', 'shipping', 'other']),
});

export const DeviceHistoryView = z.object({
  serial: z.string(),
  device: Case.shape.device.optional(),
  replacementOf: z.object({ serial: z.string(), caseId: z.string(), warrantyUntil: z.string() }).optional(),
  failedRepairs: z.record(z.string(), z.number()),
  cases: z.array(
    z.object({
      caseId: z.string(),
      openedAt: z.string(),
      status: z.string(),
      outcome: z.string().optional(),
      problem: Case.shape.problem,
      repairAttempts: Case.shape.repairAttempts,
      replacement: Case.shape.replacement,
    }),
  ),
});

export const Health = z.object({ status: z.literal('ok'), time: z.string() });

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
});

const problems = {
  400: { description: 'The request has errors; every one is listed at once.', schema: ProblemSchema },
  401: { description: 'No valid bearer token.', schema: ProblemSchema },
  403: { description: 'The token does not allow this on this brand.', schema: ProblemSchema },
} as const;
const notFound = { 404: { description: 'No such case for this brand.', schema: ProblemSchema } } as const;

export const CaseParams = z.object({ caseId: CaseId });

export const operations = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: 'Tells whether the API is up.',
    entry: 'functions/health/handler.ts',
    roles: [],
    responses: { 200: { description: 'The API answers.', schema: Health } },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API described as OpenAPI 3.1.',
    entry: 'functions/openapi/handler.ts',
    roles: [],
    responses: { 200: { description: 'The OpenAPI document.' } },
  },
  {
    operationId: 'openCase',
    method: 'POST',
    path: '/cases',
    summary: 'Opens a repair case and answers with its next step, deadline and escalation path.',
    entry: 'functions/open-case/handler.ts',
    roles: ['customer', 'agent'],
    headers: z.object({
      'idempotency-key': z
        .string()
        .trim()
        .min(8)
        .max(128)
        .optional()
        .describe('Send the same key to retry safely.'),
    }),
    body: CaseOpening,
    responses: {
      201: { description: 'The case was opened.', schema: CaseAcknowledgement },
      200: {
        description: 'A case was already opened with this idempotency key.',
        schema: CaseAcknowledgement,
      },
      ...problems,
    },
  },
  {
    operationId: 'getCase',
    method: 'GET',
    path: '/cases/{caseId}',
    summary: 'The case with its append-only timeline.',
    entry: 'functions/get-case/handler.ts',
    roles: ['customer', 'agent', 'depot', 'technician', 'reviewer'],
    params: CaseParams,
    responses: {
      200: {
        description: 'The case, and the step waiting for an event, if one is.',
        schema: Case.omit({ waiting: true, seenEventIds: true }).extend({
          waitingFor: z.object({ step: z.string(), since: z.string() }).optional(),
        }),
      },
      ...problems,
      ...notFound,
    },
  },
  {
    operationId: 'answerEstimate',
    method: 'POST',
    path: '/cases/{caseId}/approvals',
    summary: 'The customer approves or declines the estimate; nothing is charged without approval.',
    entry: 'functions/answer-estimate/handler.ts',
    roles: ['customer', 'agent'],
    params: CaseParams,
    body: EstimateAnswer,
    responses: {
      202: { description: 'The answer was recorded.', schema: EventReceipt },
      ...problems,
      ...notFound,
      409: { description: 'No estimate awaits an answer; the attempt was recorded.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'escalateCase',
    method: 'POST',
    path: '/cases/{caseId}/escalations',
    summary:
      'The customer takes the case one level up, at any time; the answer names the new owner and their deadline.',
    entry: 'functions/escalate-case/handler.ts',
    roles: ['customer', 'agent'],
    params: CaseParams,
    body: EscalationRequest,
    responses: {
      201: {
        description: 'The case is escalated.',
        schema: z.object({
          caseId: CaseId,
          level: z.number(),
          owner: z.object({ role: z.string(), contact: z.string() }),
          respondBy: z.string(),
        }),
      },
      ...problems,
      ...notFound,
    },
  },
  {
    operationId: 'getDocument',
    method: 'GET',
    path: '/cases/{caseId}/documents/{documentId}',
    summary: 'A document of the case, such as a prepaid shipping label (PDF, 4x6 inch).',
    entry: 'functions/get-document/handler.ts',
    roles: ['customer', 'agent', 'depot', 'reviewer'],
    params: CaseParams.extend({ documentId: z.string().regex(/^[a-z0-9-]{1,80}$/) }),
    responses: {
      200: { description: 'The document, in its own content type (application/pdf for labels).' },
      ...problems,
      ...notFound,
    },
  },
  {
    operationId: 'getDeviceHistory',
    method: 'GET',
    path: '/devices/{serial}/history',
    summary: 'Every case, repair attempt and replacement of one device (P3).',
    entry: 'functions/get-device-history/handler.ts',
    roles: ['customer', 'agent', 'depot', 'technician', 'reviewer'],
    params: z.object({ serial: z.string().trim().min(1).max(64) }),
    responses: {
      200: { description: 'The device history.', schema: DeviceHistoryView },
      ...problems,
      ...notFound,
    },
  },
  {
    operationId: 'getDepotQueue',
    method: 'GET',
    path: '/queues/depot',
    summary: 'The depot’s work queue: every open case, overdue first, in its lane.',
    entry: 'functions/get-depot-queue/handler.ts',
    roles: ['depot', 'agent'],
    responses: {
      200: { description: 'The queue.', schema: z.object({ items: z.array(QueueItem) }) },
      ...problems,
    },
  },
  {
    operationId: 'recordCarrierEvent',
    method: 'POST',
    path: '/carrier/events',
    summary: 'A carrier reports tracking (webhook); a delivery moves the case. Each eventId is applied once.',
    entry: 'functions/record-carrier-event/handler.ts',
    roles: ['carrier'],
    body: CarrierEvent,
    responses: {
      202: { description: 'The tracking update was recorded.', schema: EventReceipt },
      ...problems,
      404: { description: 'No shipment of this brand has that tracking number.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'recordDepotEvent',
    method: 'POST',
    path: '/cases/{caseId}/events',
    summary:
      'A depot reports receipt, diagnosis, a repair attempt or shipment; each eventId is applied once.',
    entry: 'functions/record-depot-event/handler.ts',
    roles: ['depot', 'agent'],
    params: CaseParams,
    body: DepotEvent,
    responses: {
      202: { description: 'The event was recorded.', schema: EventReceipt },
      ...problems,
      ...notFound,
      409: {
        description: 'The event does not apply to the case now; it was recorded.',
        schema: ProblemSchema,
      },
    },
  },
] as const satisfies readonly Operation[];

export type OperationId = (typeof operations)[number]['operationId'];

export function operation<const Id extends OperationId>(
  id: Id,
): Extract<(typeof operations)[number], { operationId: Id }> {
  const found = operations.find((op) => op.operationId === id);
  if (!found) throw new Error(`Unknown operation ${id}`);
  return found as Extract<(typeof operations)[number], { operationId: Id }>;
}
