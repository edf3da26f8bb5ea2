import * as z from 'zod';
import { CarrierWebhookEvent } from '../domain/carrier-webhook.ts';
import {
  Case,
  CaseStatus,
  CustodyItem,
  Decision,
  DecisionKind,
  EscalationLevel,
  NextStep,
  Technician,
  VisitWindow,
} from '../domain/case.ts';
import {
  AddressRequest,
  CarrierEvent,
  CaseOpeningRequest,
  CoverageGrant,
  CustodyChoice,
  CustodyChoiceRequest,
  CustodyRelease,
  DepotEvent,
  EscalationRequest,
  EstimateAnswer,
  FollowUpOutcome,
  OfferAnswer,
  PersonDecision,
  SupersessionRequest,
  SurveyAnswer,
  VisitBooking,
  VisitEvent,
} from '../domain/schemas.ts';
import { Webhook, WebhookRequest } from '../domain/webhooks.ts';
import { brandOperations } from './brand-operations.ts';
import { knownIssueOperations } from './known-issue-operations.ts';
import { ProblemSchema } from './problem.ts';

export { ProblemSchema };

/**
 * Every route of the HTTP API, once: the CDK stack creates the routes and functions from this list,
 * with the grants, environment and bundling each route declares; the handlers validate with its
 * schemas and reply as its responses say; and /openapi.json is generated from it.
 */
export interface Operation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  /** The handler module, relative to the repository root. */
  readonly entry: string;
  /** What a caller should know beyond the summary (how filters are served, what a page may hold). */
  readonly description?: string;
  /** Roles on the brand that may call it; empty means no token is needed. */
  readonly roles: readonly Role[];
  /** What its function may touch, and so what the stack grants it: see {@link Access}. */
  readonly access: Access;
  /**
   * Its function renders PDFs with pdfkit (certificates of destruction), which reads its font metrics
   * from its own package files at run time: the stack ships pdfkit beside the bundle, not inside it.
   */
  readonly printsPdf?: true;
  /** Its function reaches the carrier account (its API key, its webhook secret): the stack grants it the secret. */
  readonly carrierAccount?: true;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: z.ZodType;
  /**
   * `alsoAs`: another content type the same representation is answered in when the caller asks for it
   * (a CSV export of a JSON answer): the handler then answers its bytes (see http-handler's Reply).
   */
  readonly responses: Readonly<
    Record<number, { description: string; schema?: z.ZodType; alsoAs?: 'text/csv' }>
  >;
}

/**
 * What a route's function may touch; the stack derives its grants and environment from it.
 * - `none`: nothing beyond itself (health, the OpenAPI document).
 * - `read-policy`: reads the brands' policies (in the table).
 * - `change-policy`: reads and saves versions of a brand's policy (in the table); no workflow.
 * - `read-cases`: reads the table.
 * - `change-cases`: reads and writes the table, and may resume a workflow step waiting for the change
 *   (task responses on the case workflow, whose ARN it is given).
 * - `start-workflow`: reads and writes the table, and starts a case's workflow (opening a case).
 * - `reopen-cases`: as `change-cases`, and starts the workflow of a closed case a complaint reopens.
 * - `manage-webhooks`: reads and writes the brand's webhooks in the table; no case, no workflow.
 */
export type Access =
  | 'none'
  | 'read-policy'
  | 'change-policy'
  | 'read-cases'
  | 'change-cases'
  | 'start-workflow'
  | 'reopen-cases'
  | 'manage-webhooks';

/** `admin` configures the brand (its policy, its webhooks); it sees no case. */
export const Role = z.enum(['customer', 'agent', 'depot', 'technician', 'carrier', 'reviewer', 'admin']);
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

/** What a carrier's webhook did: like a recorded event's receipt, or `ignored` with no case. */
export const CarrierWebhookReceipt = z.object({
  caseId: CaseId.optional(),
  eventId: z.string(),
  outcome: z.enum(['applied', 'kept', 'recorded', 'duplicate', 'ignored']),
});

export const EventReceipt = z.object({
  caseId: CaseId,
  eventId: z.string(),
  /** applied: it resumed the waiting step; kept: for a step still to come; recorded: on the timeline only. */
  outcome: z.enum(['applied', 'kept', 'recorded', 'duplicate']),
});

/** Who owns an escalated case now, and by when they respond (P7). */
export const EscalationAnswer = z.object({
  caseId: CaseId,
  level: z.number(),
  owner: z.object({ role: z.string(), contact: z.string() }),
  respondBy: z.string(),
});

export const QueueItem = z.object({
  caseId: CaseId,
  status: z.string(),
  customer: z.object({ name: z.string() }),
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

export const CustomerCasesView = z.object({
  customer: z.string(),
  cases: z.array(
    z.object({
      caseId: CaseId,
      openedAt: z.string(),
      status: z.string(),
      outcome: z.string().optional(),
      device: Case.shape.device,
      problem: z.object({ description: z.string(), category: z.string() }),
      nextStep: NextStep,
    }),
  ),
  /** Send as `before` for the next (older) page; absent on the last page. */
  next: z.string().optional(),
});

export const WorkItem = z.object({
  caseId: CaseId,
  status: z.string(),
  /** A decision on a case handed to the owner, an escalation, or a follow-up they owe. */
  work: z.enum(['decision', 'escalation', 'follow-up']),
  due: z.string(),
  overdue: z.boolean(),
  summary: z.string(),
});

export const ReasonCodeView = z.object({
  code: z.string(),
  decision: DecisionKind,
  text: z.string(),
  youCan: z.string(),
});

export const Health = z.object({ status: z.literal('ok'), time: z.string() });

const problems = {
  400: { description: 'The request has errors; every one is listed at once.', schema: ProblemSchema },
  401: { description: 'No valid bearer token.', schema: ProblemSchema },
  403: { description: 'The token does not allow this on this brand.', schema: ProblemSchema },
} as const;
const notFound = { 404: { description: 'No such case for this brand.', schema: ProblemSchema } } as const;
const conflict = (description: string) => ({ 409: { description, schema: ProblemSchema } }) as const;
/** Event ids are the sender's: the same id with other content is another event under a reused id. */
const reusedId = {
  422: {
    description: 'The sender used this id before for a different event; nothing changed.',
    schema: ProblemSchema,
  },
} as const;

export const CaseParams = z.object({ caseId: CaseId });
const WebhookParams = z.object({ webhookId: z.string().regex(/^wh_[0-9a-f]{32}$/, 'a webhook id (wh_…)') });

/** An instant or a day (ISO-8601, UTC): a day starts a period at its first moment and ends it at its last. */
const PeriodBound = z.union([z.iso.datetime(), z.iso.date()], 'Give an ISO-8601 date or date-time (UTC).');

/** Where a period starts and ends, as instants: a day given as `to` includes the whole day. */
export const periodOf = (from: string, to: string) => ({
  from: new Date(from.length === 10 ? `${from}T00:00:00.000Z` : from).toISOString(),
  to: new Date(to.length === 10 ? `${to}T23:59:59.999Z` : to).toISOString(),
});

export const ReviewPeriod = z
  .object({
    from: PeriodBound,
    to: PeriodBound,
    limit: z.coerce.number().int().min(1).max(50).default(10),
    /** The last page's cursor (from its `Link` header): where this page starts. */
    cursor: CaseId.optional(),
  })
  .refine(
    (query) =>
      typeof query.from !== 'string' ||
      typeof query.to !== 'string' ||
      Number.isNaN(Date.parse(query.from)) ||
      Number.isNaN(Date.parse(query.to)) ||
      periodOf(query.from, query.to).from <= periodOf(query.from, query.to).to,
    {
      path: ['to'],
      message: 'The period ends before it starts: give a `to` at or after `from`.',
      when: () => true,
    },
  );

/** `GET /cases`: a page, and the filters staff (or a customer, on their own cases) narrow it by. */
const CaseListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z.string().trim().min(1).max(300).optional(),
    status: CaseStatus.optional(),
    /** Whose work the case is now: a queue (case-desk), a ladder role or a person, as in their queue. */
    owner: z
      .string()
      .regex(/^[a-z0-9-]{1,80}$/, 'must be lower-case words joined by -')
      .optional(),
    serial: z.string().trim().min(1).max(64).optional(),
    /** The case's RMA number (its id). */
    rma: CaseId.optional(),
    tracking: z.string().trim().min(6).max(64).optional(),
    /** Opened on or after this day (UTC). */
    openedFrom: z.iso.date().optional(),
    /** Opened on or before this day (UTC). */
    openedTo: z.iso.date().optional(),
  })
  .refine(
    (query) =>
      typeof query.openedFrom !== 'string' ||
      typeof query.openedTo !== 'string' ||
      query.openedFrom <= query.openedTo,
    {
      path: ['openedTo'],
      message: 'The period ends before it starts: give an `openedTo` on or after `openedFrom`.',
      when: () => true,
    },
  );

export const operations = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: 'Tells whether the API is up.',
    entry: 'functions/health/handler.ts',
    roles: [],
    access: 'none',
    responses: { 200: { description: 'The API answers.', schema: Health } },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API described as OpenAPI 3.1.',
    entry: 'functions/openapi/handler.ts',
    roles: [],
    access: 'none',
    responses: { 200: { description: 'The OpenAPI document.' } },
  },
  {
    operationId: 'openCase',
    method: 'POST',
    path: '/cases',
    summary: 'Opens a repair case and answers with its next step, deadline and escalation path.',
    entry: 'functions/open-case/handler.ts',
    roles: ['customer', 'agent'],
    access: 'start-workflow',
    headers: z.object({
      'idempotency-key': z
        .string()
        .trim()
        .min(8)
        .max(128)
        .optional()
        .describe('Send the same key to retry safely.'),
    }),
    body: CaseOpeningRequest,
    responses: {
      201: { description: 'The case was opened.', schema: CaseAcknowledgement },
      200: {
        description: 'This caller already opened a case with this Idempotency-Key and the same request.',
        schema: CaseAcknowledgement,
      },
      422: {
        description: 'This caller used this Idempotency-Key for a different request; nothing was opened.',
        schema: ProblemSchema,
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
    access: 'read-cases',
    params: CaseParams,
    query: z.object({
      /** Earlier timeline entries: those before this position (a page's `timelineBefore`). */
      timelineBefore: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
    }),
    headers: z.object({
      'if-none-match': z
        .string()
        .max(1_000)
        .optional()
        .describe('The ETag of the case as last read: 304 while it has not changed.'),
    }),
    responses: {
      304: { description: 'The case has not changed since the read whose ETag `If-None-Match` gives.' },
      200: {
        description:
          'The case, the step waiting for an event (if one is), and the latest entries of its timeline and notices; `timelineBefore` pages back through the earlier ones.',
        schema: Case.omit({
          waiting: true,
          otherWaits: true,
          seenEventIds: true,
          seenFingerprints: true,
          stored: true,
        }).extend({
          waitingFor: z.object({ step: z.string(), since: z.string() }).optional(),
          /** The events the case takes now (the step it waits at, and what its status allows). */
          takes: z.array(z.string()),
          timelineTotal: z.number().int(),
          timelineBefore: z.number().int().optional(),
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
    access: 'change-cases',
    params: CaseParams,
    body: EstimateAnswer,
    responses: {
      202: { description: 'The answer was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      409: { description: 'No estimate awaits an answer; the attempt was recorded.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'escalateCase',
    method: 'POST',
    path: '/cases/{caseId}/escalations',
    summary:
      'The customer takes the case one level up, at any time; the answer names the new owner and their deadline. A closed case reopens as a complaint in that owner’s queue.',
    entry: 'functions/escalate-case/handler.ts',
    roles: ['customer', 'agent'],
    access: 'reopen-cases',
    params: CaseParams,
    body: EscalationRequest,
    responses: {
      201: { description: 'The case is escalated.', schema: EscalationAnswer },
      200: {
        description:
          'Nothing climbed: a customer asked again while the owner still has time to respond (their reason is on the timeline for that owner), or the same request came again. The answer is the escalation pending.',
        schema: EscalationAnswer,
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
    access: 'read-cases',
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
    access: 'read-cases',
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
    access: 'read-cases',
    responses: {
      200: { description: 'The queue.', schema: z.object({ items: z.array(QueueItem) }) },
      ...problems,
    },
  },
  {
    operationId: 'getVisitQueue',
    method: 'GET',
    path: '/queues/visits',
    summary:
      'Visits to make or finish, earliest first: a technician sees their own, with the customer’s address; an agent sees all.',
    entry: 'functions/get-visit-queue/handler.ts',
    roles: ['technician', 'agent'],
    access: 'read-cases',
    responses: {
      200: {
        description: 'The visits.',
        schema: z.object({
          items: z.array(
            z.object({
              caseId: CaseId,
              visitId: z.string(),
              status: z.string(),
              window: VisitWindow,
              technician: Technician,
              customer: z.object({
                name: z.string(),
                address: z.string().optional(),
                phone: z.string().optional(),
              }),
              device: Case.shape.device,
              problem: z.string(),
            }),
          ),
        }),
      },
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
    access: 'change-cases',
    body: CarrierEvent,
    responses: {
      202: { description: 'The tracking update was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      404: { description: 'No shipment of this brand has that tracking number.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'receiveCarrierWebhook',
    method: 'POST',
    path: '/carrier/webhooks/{brand}',
    summary:
      'The carrier account’s tracking webhook (EasyPost tracker.updated), signed with X-Hmac-Signature instead of a token: a delivery moves the case, as recordCarrierEvent does.',
    entry: 'functions/receive-carrier-webhook/handler.ts',
    // No token: the carrier proves itself by the HMAC signature of the body (see its handler).
    roles: [],
    access: 'change-cases',
    carrierAccount: true,
    // Checked before anything else (the handler's authenticate); declared so that /openapi.json shows it.
    headers: z.object({
      'x-hmac-signature': z
        .string()
        .regex(/^hmac-sha256-hex=[0-9a-f]{64}$/i, 'must be hmac-sha256-hex= and the HMAC-SHA256 of the body'),
    }),
    params: z.object({
      brand: z
        .string()
        .regex(/^[a-z0-9-]{2,40}$/, 'must be a brand id: 2 to 40 lower-case letters, digits or -'),
    }),
    body: CarrierWebhookEvent,
    responses: {
      202: {
        description:
          'The update was applied to its case, or ignored (a status fairfix does not act on, or a parcel of another brand).',
        schema: CarrierWebhookReceipt,
      },
      ...problems,
      401: { description: 'The signature is missing or wrong; nothing was applied.', schema: ProblemSchema },
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
    access: 'change-cases',
    printsPdf: true,
    params: CaseParams,
    body: DepotEvent,
    responses: {
      202: { description: 'The event was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      409: {
        description: 'The event does not apply to the case now; it was recorded.',
        schema: ProblemSchema,
      },
    },
  },
  {
    operationId: 'answerSurvey',
    method: 'POST',
    path: '/cases/{caseId}/survey',
    summary:
      'After resolution, the customer says whether their needs were met; "no" opens a follow-up due within a day.',
    entry: 'functions/answer-survey/handler.ts',
    roles: ['customer', 'agent'],
    access: 'change-cases',
    params: CaseParams,
    body: SurveyAnswer,
    responses: {
      202: { description: 'The answer was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      ...conflict(
        'The case is not resolved yet, or its survey is answered or closed; the attempt was recorded.',
      ),
    },
  },
  {
    operationId: 'getReasonCatalogue',
    method: 'GET',
    path: '/reasons',
    summary:
      'The brand’s published reasons for denials: code, plain-language text, what the customer can do.',
    entry: 'functions/get-reason-catalogue/handler.ts',
    roles: ['customer', 'agent', 'depot', 'technician', 'reviewer'],
    access: 'read-policy',
    responses: {
      200: { description: 'The catalogue.', schema: z.object({ items: z.array(ReasonCodeView) }) },
      ...problems,
    },
  },
  {
    operationId: 'supersedeDecision',
    method: 'POST',
    path: '/cases/{caseId}/decisions/{decision}/supersessions',
    summary:
      'A person replaces the reason of a denial with another from the catalogue and says why; the customer sees both.',
    entry: 'functions/supersede-decision/handler.ts',
    roles: ['agent'],
    access: 'change-cases',
    params: CaseParams.extend({ decision: DecisionKind }),
    body: SupersessionRequest,
    responses: {
      201: {
        description: 'The new reason is live; the old one is kept, superseded.',
        schema: z.object({ caseId: CaseId, decisions: z.array(Decision) }),
      },
      ...problems,
      ...notFound,
      ...conflict('The case has no such denial, or it already has that reason.'),
    },
  },
  {
    operationId: 'grantCoverage',
    method: 'POST',
    path: '/cases/{caseId}/decisions/coverage/grants',
    summary:
      'A person overturns the coverage denial, saying why: the repair is covered, the estimate withdrawn, and the case goes on to the repair; the denial stays on the case, overturned.',
    entry: 'functions/grant-coverage/handler.ts',
    roles: ['agent'],
    access: 'change-cases',
    params: CaseParams,
    body: CoverageGrant,
    responses: {
      201: {
        description: 'The repair is covered; the denial is kept, overturned, with who and why.',
        schema: z.object({ caseId: CaseId, decisions: z.array(Decision) }),
      },
      ...problems,
      ...notFound,
      ...conflict('The case has no coverage denial, or its device has left the depot.'),
    },
  },
  {
    operationId: 'decideHandover',
    method: 'POST',
    path: '/cases/{caseId}/handover/decisions',
    summary:
      'The person who has a case the workflow could not take further decides how it goes on: resume, replace (another model is offered), refund at list or purchase price, repair elsewhere, or close with a published reason.',
    entry: 'functions/decide-handover/handler.ts',
    roles: ['agent'],
    access: 'change-cases',
    params: CaseParams,
    body: PersonDecision,
    responses: {
      202: { description: 'The decision was recorded; the workflow goes on with it.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      ...conflict('The case waits for no person’s decision now.'),
    },
  },
  {
    operationId: 'answerOffer',
    method: 'POST',
    path: '/cases/{caseId}/offer/answers',
    summary:
      'The customer accepts or declines the other model offered when no like-for-like or better replacement can be supplied.',
    entry: 'functions/answer-offer/handler.ts',
    roles: ['customer', 'agent'],
    access: 'change-cases',
    params: CaseParams,
    body: OfferAnswer,
    responses: {
      202: { description: 'The answer was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      ...conflict('No offer waits for an answer.'),
    },
  },
  {
    operationId: 'giveAddress',
    method: 'POST',
    path: '/cases/{caseId}/address',
    summary:
      'The customer gives (or changes) the address parcels and technicians go to; the workflow asks for it before anything is shipped to them or a technician is sent.',
    entry: 'functions/give-address/handler.ts',
    roles: ['customer', 'agent'],
    access: 'change-cases',
    params: CaseParams,
    body: AddressRequest,
    responses: {
      202: { description: 'The address was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      ...conflict('The case is closed: it takes no address; the attempt was recorded.'),
    },
  },
  {
    operationId: 'closeFollowUp',
    method: 'POST',
    path: '/cases/{caseId}/follow-up/outcomes',
    summary:
      'The owner of a follow-up (needs not met) closes it with what they did and agreed; the customer is told.',
    entry: 'functions/close-follow-up/handler.ts',
    roles: ['agent'],
    access: 'change-cases',
    params: CaseParams,
    body: FollowUpOutcome,
    responses: {
      201: {
        description: 'The follow-up is closed.',
        schema: z.object({ caseId: CaseId, followUp: Case.shape.followUp }),
      },
      ...problems,
      ...notFound,
      ...conflict('The case has no open follow-up.'),
    },
  },
  {
    operationId: 'getOwnerQueue',
    method: 'GET',
    path: '/queues/owners/{owner}',
    summary:
      'One owner’s work, earliest due first: decisions on cases handed to them (e.g. case-desk), cases escalated to a ladder role (e.g. service-supervisor), follow-ups a person owes (e.g. dana-reyes).',
    entry: 'functions/get-owner-queue/handler.ts',
    roles: ['agent'],
    access: 'read-cases',
    params: z.object({
      owner: z.string().regex(/^[a-z0-9-]{1,80}$/, 'must be lower-case words joined by -'),
    }),
    responses: {
      200: { description: 'The queue.', schema: z.object({ items: z.array(WorkItem) }) },
      ...problems,
    },
  },
  {
    operationId: 'listCustomerCases',
    method: 'GET',
    path: '/customers/{customer}/cases',
    summary:
      'Every case of one customer (by email, any case they opened or that was opened for them), newest first.',
    entry: 'functions/list-customer-cases/handler.ts',
    roles: ['agent', 'depot'],
    access: 'read-cases',
    params: z.object({ customer: z.email().max(254) }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      before: z.string().trim().min(1).max(300).optional(),
    }),
    responses: {
      200: { description: 'A page of the customer’s cases.', schema: CustomerCasesView },
      ...problems,
    },
  },
  {
    operationId: 'listCases',
    method: 'GET',
    path: '/cases',
    summary:
      'Cases newest first, a page at a time (`next` is sent back as `before` for older ones): a customer’s own cases (“My cases”), or for the brand’s staff the brand’s cases.',
    description: [
      'Filters narrow the list; a customer’s filters apply to their own cases only.',
      'One index cannot serve every combination, so the list is read by the most selective filter given',
      '(`rma`, then `tracking`, `serial`, `owner`, else the brand’s cases by opening time within',
      '`openedFrom`/`openedTo`) and the other filters are checked on each case read. A page reads at most',
      '500 cases, so when matches are rare a page may hold fewer than `limit` cases and still have a `next`.',
    ].join(' '),
    entry: 'functions/list-cases/handler.ts',
    roles: ['customer', 'agent', 'depot', 'reviewer', 'admin'],
    access: 'read-cases',
    query: CaseListQuery,
    responses: {
      200: {
        description: 'A page of cases.',
        schema: CustomerCasesView.omit({ customer: true }),
      },
      ...problems,
    },
  },
  {
    operationId: 'getReviewSample',
    method: 'GET',
    path: '/reviews/sample',
    summary: 'A random sample of the brand’s cases for quality review.',
    entry: 'functions/get-review-sample/handler.ts',
    roles: ['reviewer', 'agent'],
    access: 'read-cases',
    query: z.object({
      size: z.coerce.number().int().min(1).max(50).default(10),
      /** `outcome`: one case of each outcome in turn (`open` for none yet), rather than a plain random run. */
      stratify: z.enum(['outcome']).optional(),
    }),
    responses: {
      200: {
        description: 'The sample; stratified, each case names its stratum and `strata` counts them.',
        schema: z.object({
          items: z.array(
            z.object({
              caseId: CaseId,
              openedAt: z.string(),
              status: z.string(),
              outcome: z.string().optional(),
              stratum: z.string().optional(),
              links: z.object({ case: z.string(), export: z.string() }),
            }),
          ),
          strata: z.record(z.string(), z.number()).optional(),
        }),
      },
      ...problems,
    },
  },
  {
    operationId: 'getReviewExport',
    method: 'GET',
    path: '/reviews/export',
    summary:
      'Every case of the brand opened in a period, exported whole, as NDJSON (one case per line), a page at a time: the `Link` header (rel="next") gives the next page.',
    entry: 'functions/get-review-export/handler.ts',
    roles: ['reviewer', 'agent'],
    access: 'read-cases',
    query: ReviewPeriod,
    responses: {
      200: {
        description:
          'application/x-ndjson: one line per case ({ case, documents }, documents as links), in the brand’s fixed case order; a `Link: <…&cursor=…>; rel="next"` header while more may follow.',
      },
      ...problems,
    },
  },
  {
    operationId: 'exportCase',
    method: 'GET',
    path: '/cases/{caseId}/export',
    summary: 'The whole case as one JSON document for review: case, timeline, decisions, documents (base64).',
    entry: 'functions/export-case/handler.ts',
    roles: ['reviewer', 'agent'],
    access: 'read-cases',
    params: CaseParams,
    responses: {
      200: {
        description: 'The export.',
        schema: z.object({
          case: z.record(z.string(), z.unknown()),
          documents: z.array(
            z.object({
              documentId: z.string(),
              title: z.string(),
              contentType: z.string(),
              dataBase64: z.string(),
            }),
          ),
        }),
      },
      ...problems,
      ...notFound,
    },
  },
  {
    operationId: 'bookVisit',
    method: 'POST',
    path: '/cases/{caseId}/visits',
    summary: 'The customer books one of the offered visit windows; a named technician is then assigned.',
    entry: 'functions/book-visit/handler.ts',
    roles: ['customer', 'agent'],
    access: 'change-cases',
    params: CaseParams,
    body: VisitBooking,
    responses: {
      202: { description: 'The booking was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      ...conflict('No visit windows are offered now; the attempt was recorded.'),
    },
  },
  {
    operationId: 'recordVisitEvent',
    method: 'POST',
    path: '/cases/{caseId}/visits/{visitId}/events',
    summary:
      'The assigned technician reports check-in, parts used, parts removed/returned, the outcome and the customer’s sign-off; the customer may sign off or report a no-show.',
    entry: 'functions/record-visit-event/handler.ts',
    roles: ['technician', 'agent', 'customer'],
    access: 'change-cases',
    printsPdf: true,
    params: CaseParams.extend({ visitId: z.string().regex(/^visit-\d{1,3}$/, 'must look like visit-1') }),
    body: VisitEvent,
    responses: {
      202: { description: 'The report was recorded.', schema: EventReceipt },
      ...problems,
      ...reusedId,
      ...notFound,
      ...conflict('The visit takes no such report now (over, or no outcome to sign off yet).'),
    },
  },
  {
    operationId: 'getCustody',
    method: 'GET',
    path: '/cases/{caseId}/custody',
    summary: 'Every part removed from the customer’s device: owner, holder, status and its chain of custody.',
    entry: 'functions/get-custody/handler.ts',
    roles: ['customer', 'agent', 'depot', 'technician', 'reviewer'],
    access: 'read-cases',
    params: CaseParams,
    responses: {
      200: {
        description: 'The custody ledger.',
        schema: z.object({
          caseId: CaseId,
          choice: CustodyChoice.extend({ at: z.string(), by: z.string() }).optional(),
          open: z.array(z.string()),
          items: z.array(CustodyItem),
        }),
      },
      ...problems,
      ...notFound,
    },
  },
  {
    operationId: 'chooseCustody',
    method: 'POST',
    path: '/cases/{caseId}/custody/choices',
    summary:
      'The customer decides what happens to removed parts (return or release) and to parts holding data (return or destroy). Nobody else can.',
    entry: 'functions/choose-custody/handler.ts',
    roles: ['customer'],
    access: 'change-cases',
    params: CaseParams,
    body: CustodyChoiceRequest,
    responses: {
      201: {
        description: 'The choice is recorded.',
        schema: z.object({
          caseId: CaseId,
          choice: CustodyChoice.extend({ at: z.string(), by: z.string() }),
        }),
      },
      ...problems,
      ...notFound,
      ...conflict('The case is closed and holds nothing of the customer’s: there is nothing left to choose.'),
    },
  },
  {
    operationId: 'releaseCustodyItem',
    method: 'POST',
    path: '/cases/{caseId}/custody/releases',
    summary: 'The customer lets the brand keep one of their removed parts.',
    entry: 'functions/release-custody-item/handler.ts',
    roles: ['customer'],
    access: 'change-cases',
    params: CaseParams,
    body: CustodyRelease,
    responses: {
      201: { description: 'The item is released.', schema: z.object({ caseId: CaseId, item: CustodyItem }) },
      ...problems,
      ...notFound,
      ...conflict('The item is not the customer’s to release now.'),
    },
  },
  ...brandOperations,
  ...knownIssueOperations,
  {
    operationId: 'createWebhook',
    method: 'POST',
    path: '/brand/webhooks',
    summary: 'Registers a URL for the brand’s events; answers its signing secret, this once.',
    entry: 'functions/create-webhook/handler.ts',
    roles: ['admin'],
    access: 'manage-webhooks',
    body: WebhookRequest,
    responses: {
      201: {
        description:
          'Registered. Deliveries follow Standard Webhooks: verify `webhook-signature` with the secret.',
        schema: Webhook.extend({ secret: z.string().startsWith('whsec_') }),
      },
      ...problems,
    },
  },
  {
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/brand/webhooks',
    summary: 'The brand’s webhooks, without their secrets.',
    entry: 'functions/list-webhooks/handler.ts',
    roles: ['admin'],
    access: 'manage-webhooks',
    responses: {
      200: { description: 'The webhooks.', schema: z.object({ items: z.array(Webhook) }) },
      ...problems,
    },
  },
  {
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/brand/webhooks/{webhookId}',
    summary: 'Stops deliveries to a webhook.',
    entry: 'functions/delete-webhook/handler.ts',
    roles: ['admin'],
    access: 'manage-webhooks',
    params: WebhookParams,
    responses: {
      200: {
        description: 'Deleted.',
        schema: z.object({ webhookId: z.string(), deleted: z.literal(true) }),
      },
      ...problems,
      404: { description: 'No such webhook for this brand.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'testWebhook',
    method: 'POST',
    path: '/brand/webhooks/{webhookId}/tests',
    summary: 'Sends a signed `webhook.test` message to the webhook now.',
    entry: 'functions/test-webhook/handler.ts',
    roles: ['admin'],
    access: 'manage-webhooks',
    params: WebhookParams,
    responses: {
      200: {
        description: 'Sent; `delivered` says whether the receiver answered 2xx.',
        schema: z.object({
          messageId: z.string(),
          delivered: z.boolean(),
          status: z.number().int(),
          error: z.string().optional(),
        }),
      },
      ...problems,
      404: { description: 'No such webhook for this brand.', schema: ProblemSchema },
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
