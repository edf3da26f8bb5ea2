import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEasyPostWebhook } from '../../functions/adapters/easypost-carrier.ts';
import { type OperationId, operations, Role } from '../../functions/api/operations.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient, type ApiResponse, nextId, opening } from '../support/api.ts';
import { startTestCloud } from '../support/cloud.ts';
import { Journey } from '../support/journey.ts';

/**
 * P11/P14: every route, tried against one brand's data by everybody who should not reach it: no
 * token, every role of another brand, the wrong role of the same brand, and another customer. Each
 * attempt is refused (401/403/404) or, on a brand-wide route, answers only the caller's own brand;
 * none leaks the target's data, and the target case is unchanged afterwards.
 */
let cloud: LocalCloud;
let acme: Journey;
const target = {
  caseId: '',
  serial: nextId('SN-ACME-ONLY'),
  customer: 'Ada Acme-Only',
  trackingNumber: '',
  documentId: '',
  /** Acme's policy as its admin reads it, and the ETag of its version. */
  policy: {} as Record<string, unknown>,
  policyEtag: '',
  webhookId: '',
};

beforeAll(async () => {
  cloud = await startTestCloud();
  acme = new Journey(cloud, 'acme');
  target.caseId = await acme.open({
    ...opening({ serial: target.serial }),
    customer: {
      name: target.customer,
      email: 'ada.acme-only@example.com',
      address: { street: ['1 Private Lane'], postcode: 'LS1 1AA', city: 'Leeds', country: 'GB' },
    },
  });
  const waiting = await acme.waitsFor(target.caseId, 'Wait for device at depot');
  target.trackingNumber = acme.tracking(waiting, 'to-depot');
  target.documentId = waiting.shipments[0]?.labelDocumentId ?? '';
  const policy = await ApiClient.as(cloud, 'acme', 'admin').get('/brand/policy');
  target.policy = policy.body;
  target.policyEtag = policy.headers.get('etag') ?? '';
  // A webhook of acme's, which no one else may test or delete.
  const hook = await ApiClient.as(cloud, 'acme', 'admin').post('/brand/webhooks', {
    url: 'http://127.0.0.1:9/acme-only',
    eventTypes: ['case.notice'],
  });
  expect(hook.status).toBe(201);
  target.webhookId = hook.body.webhookId as string;
  // In the supervisor's queue, so the owner queue has something to leak.
  await acme.customer.post(`/cases/${target.caseId}/escalations`, {
    escalationId: nextId('esc'),
    reason: 'Escalated so that queues hold this case',
  });
});
afterAll(() => cloud?.stop());

/**
 * A valid request for every operation that needs a token, aimed at the target's data: so an attempt
 * gets past validation and reaches the data, where scoping must stop it. A new route without an entry
 * here fails the type check and the completeness test below.
 */
const requests = (): Record<
  Exclude<OperationId, 'getHealth' | 'getOpenApi' | 'getPublicPolicy' | 'receiveCarrierWebhook'>,
  { path: string; body?: object; headers?: Record<string, string> }
> => ({
  openCase: { path: '/cases', body: opening({ serial: nextId('SN-OTHER') }) },
  getCase: { path: `/cases/${target.caseId}` },
  answerEstimate: {
    path: `/cases/${target.caseId}/approvals`,
    body: { answerId: nextId('a'), approved: true },
  },
  escalateCase: {
    path: `/cases/${target.caseId}/escalations`,
    body: { escalationId: nextId('e'), reason: 'Trying to reach another brand' },
  },
  getDocument: { path: `/cases/${target.caseId}/documents/${target.documentId}` },
  getDeviceHistory: { path: `/devices/${target.serial}/history` },
  getDepotQueue: { path: '/queues/depot' },
  recordCarrierEvent: {
    path: '/carrier/events',
    body: {
      eventId: nextId('c'),
      trackingNumber: target.trackingNumber,
      status: 'delivered',
      occurredAt: new Date(cloud.clock.now()).toISOString(),
    },
  },
  recordDepotEvent: {
    path: `/cases/${target.caseId}/events`,
    body: { eventId: nextId('d'), type: 'received', occurredAt: new Date(cloud.clock.now()).toISOString() },
  },
  answerSurvey: { path: `/cases/${target.caseId}/survey`, body: { answerId: nextId('s'), met: false } },
  getReasonCatalogue: { path: '/reasons' },
  supersedeDecision: {
    path: `/cases/${target.caseId}/decisions/coverage/supersessions`,
    body: {
      supersessionId: nextId('x'),
      code: 'LIQUID-DAMAGE',
      justification: 'Trying another brand’s case',
    },
  },
  grantCoverage: {
    path: `/cases/${target.caseId}/decisions/coverage/grants`,
    body: { grantId: nextId('g'), justification: 'Trying another brand’s case' },
  },
  getOwnerQueue: { path: '/queues/owners/service-supervisor' },
  getReviewSample: { path: '/reviews/sample?size=50' },
  listCustomerCases: { path: '/customers/ada.acme-only@example.com/cases' },
  // Staff filters aimed at the target's device: another brand's staff and customers get only their own.
  listCases: { path: `/cases?serial=${target.serial}` },
  getReviewExport: { path: '/reviews/export?from=2020-01-01&to=2100-01-01' },
  exportCase: { path: `/cases/${target.caseId}/export` },
  bookVisit: {
    path: `/cases/${target.caseId}/visits`,
    body: { bookingId: nextId('b'), windowId: '2026-11-23-am' },
  },
  recordVisitEvent: {
    path: `/cases/${target.caseId}/visits/visit-1/events`,
    body: { eventId: nextId('v'), type: 'no-show', occurredAt: new Date(cloud.clock.now()).toISOString() },
  },
  getCustody: { path: `/cases/${target.caseId}/custody` },
  getVisitQueue: { path: '/queues/visits' },
  chooseCustody: {
    path: `/cases/${target.caseId}/custody/choices`,
    body: { choiceId: nextId('c'), parts: 'release', data: 'destroy' },
  },
  releaseCustodyItem: {
    path: `/cases/${target.caseId}/custody/releases`,
    body: { releaseId: nextId('r'), itemId: 'item-1' },
  },
  decideHandover: {
    path: `/cases/${target.caseId}/handover/decisions`,
    body: { decisionId: nextId('h'), action: 'resume' },
  },
  answerOffer: {
    path: `/cases/${target.caseId}/offer/answers`,
    body: { answerId: nextId('o'), accepted: true },
  },
  giveAddress: {
    path: `/cases/${target.caseId}/address`,
    body: {
      addressId: nextId('ad'),
      address: { street: ['2 Somebody Else’s Road'], postcode: 'LS2 2BB', city: 'Leeds', country: 'GB' },
    },
  },
  createWebhook: {
    path: '/brand/webhooks',
    body: { url: 'http://127.0.0.1:9/elsewhere', eventTypes: ['case.notice'] },
  },
  listWebhooks: { path: '/brand/webhooks' },
  deleteWebhook: { path: `/brand/webhooks/${target.webhookId}` },
  testWebhook: { path: `/brand/webhooks/${target.webhookId}/tests` },
  closeFollowUp: {
    path: `/cases/${target.caseId}/follow-up/outcomes`,
    body: { outcomeId: nextId('f'), outcome: 'Called the customer and agreed a refund' },
  },
  getBrandPolicy: { path: '/brand/policy' },
  // Acme's own policy, current ETag and all, with one change: only acme's admin may save it.
  putBrandPolicy: {
    path: '/brand/policy',
    body: { ...target.policy, displayName: 'Taken over by another brand' },
    headers: { 'if-match': target.policyEtag },
  },
  listBrandPolicyVersions: { path: '/brand/policy/versions' },
  listKnownIssues: { path: '/known-issues' },
  // Acme detects no known issues; test/workflow/known-issues.test.ts tries a brand's real one.
  decideKnownIssue: {
    path: '/known-issues/KI-000000000000/decisions',
    body: { decisionId: nextId('ki'), action: 'dismiss', reason: 'Trying another brand’s issue' },
  },
  // On the caller's own brand: another brand's admin reaches only its own devices on file.
  createCampaign: {
    path: '/campaigns',
    body: { campaignId: nextId('cp'), model: 'Cam 3', firmwares: ['3.1.0'] },
  },
  getCampaign: { path: '/campaigns/acme-recall-0001' },
  listCampaigns: { path: '/campaigns' },
});

// The carrier's webhook takes no token but a signature: it has its own tests below.
const guarded = operations.filter((op) => op.roles.length > 0);

function send(client: ApiClient, op: (typeof guarded)[number]): Promise<ApiResponse & { sent: string }> {
  const request = requests()[op.operationId as keyof ReturnType<typeof requests>];
  return client
    .request(op.method, request.path, request.body, request.headers)
    .then((response) => ({ ...response, sent: JSON.stringify(request) }));
}

/**
 * Nothing of the target in an answer that the caller did not send itself: not its id, its serial, its
 * customer, its parcel. (A 404 may repeat the id it was asked for; that tells nothing.)
 */
function expectNoLeak(response: ApiResponse & { sent: string }, what: string) {
  const text = JSON.stringify(response.body ?? '');
  for (const secret of [target.caseId, target.serial, target.customer, target.trackingNumber]) {
    if (!response.sent.includes(secret)) expect(text, `${what} leaked ${secret}`).not.toContain(secret);
  }
}

/** Routes whose request names no data of the target: answered from the caller's own brand. */
const BRAND_WIDE: readonly string[] = [
  'getVisitQueue',
  'openCase',
  'getDepotQueue',
  'getReasonCatalogue',
  'getOwnerQueue',
  'getReviewSample',
  'listCustomerCases',
  'listCases',
  'getReviewExport',
  'getBrandPolicy',
  'listBrandPolicyVersions',
  'createWebhook',
  'listWebhooks',
  'listKnownIssues',
  'createCampaign',
  'listCampaigns',
];

/**
 * Routes on the caller's own brand that take a document naming a brand: another brand's document is
 * refused as a field error (the admin of globex sending acme's policy), and nothing is saved.
 */
const REFUSED_ACROSS_BRANDS: Readonly<Record<string, number>> = { putBrandPolicy: 400 };

describe('every route that needs a token', () => {
  it('has a cross-tenant request in this suite', () => {
    expect(guarded.map((op) => op.operationId).sort()).toEqual(Object.keys(requests()).sort());
  });

  it('refuses a request without a token, or with a tenant claim that tries to reach into keys', async () => {
    const injected = cloud.tokens.issue({ tenant: 'acme#CASE', role: 'agent', sub: 'mallory' });
    for (const op of guarded) {
      const anonymous = await send(ApiClient.withToken(cloud.urls.http), op);
      expect(anonymous.status, op.operationId).toBe(401);
      const crafted = await send(ApiClient.withToken(cloud.urls.http, injected), op);
      expect(crafted.status, op.operationId).toBe(401);
      expectNoLeak(crafted, op.operationId);
    }
  });

  it('refuses every role of another brand, or answers it only with its own brand’s data', async () => {
    for (const op of guarded) {
      for (const role of Role.options) {
        const response = await send(ApiClient.as(cloud, 'globex', role), op);
        const what = `${op.operationId} as globex ${role}`;
        if (!(op.roles as readonly string[]).includes(role)) expect(response.status, what).toBe(403);
        else if (REFUSED_ACROSS_BRANDS[op.operationId])
          expect(response.status, what).toBe(REFUSED_ACROSS_BRANDS[op.operationId]);
        else if (!BRAND_WIDE.includes(op.operationId)) expect(response.status, what).toBe(404);
        else expect(response.status, what).toBeLessThan(300);
        expectNoLeak(response, what);
      }
    }
  });

  it('refuses the roles of the same brand the route does not allow, other customers, and technicians not sent', async () => {
    // Parties of the same brand with no part in the target case: its customer is someone else, and
    // no visit of it is assigned to this technician.
    const strangers = [
      ApiClient.as(cloud, 'acme', 'customer', 'another-customer'),
      ApiClient.as(cloud, 'acme', 'technician', 'tech-ines'),
    ] as const;
    for (const op of guarded) {
      for (const role of Role.options.filter((role) => !(op.roles as readonly string[]).includes(role))) {
        const response = await send(ApiClient.as(cloud, 'acme', role), op);
        expect(response.status, `${op.operationId} as acme ${role}`).toBe(403);
      }
      if (BRAND_WIDE.includes(op.operationId)) continue;
      for (const [role, stranger] of [
        ['customer', strangers[0]],
        ['technician', strangers[1]],
      ] as const) {
        if (!(op.roles as readonly string[]).includes(role)) continue;
        const response = await send(stranger, op);
        const what = `${op.operationId} as an acme ${role} with no part in the case`;
        expectNoLeak(response, what);
        // A device's facts too are only for those with a case on it (issue 11, finding 9).
        expect(response.status, what).toBe(404);
      }
    }
  });

  it('answers another brand exactly as it answers for a case that never existed', async () => {
    const never = 'RMA-000000000000';
    const globex = ApiClient.as(cloud, 'globex', 'agent');
    const foreign = await globex.get(`/cases/${target.caseId}`);
    const missing = await globex.get(`/cases/${never}`);
    expect(JSON.stringify(foreign.body).replaceAll(target.caseId, never)).toBe(JSON.stringify(missing.body));
  });

  it('lets reviewers read and export but change nothing', () => {
    const changing = operations.filter((op) => op.method !== 'GET');
    for (const op of changing)
      expect(op.roles as readonly string[], op.operationId).not.toContain('reviewer');
  });

  it('left the target case exactly as it was, and another brand learns nothing from a serial', async () => {
    const kase = await acme.get(target.caseId);
    expect(kase.status).toBe('awaiting-arrival');
    expect(kase.timeline.map((entry) => entry.summary).join('\n')).not.toMatch(/another brand|globex/i);
    expect(kase.shipments[0]?.status).toBe('label-issued');
    expect(kase.decisions).toEqual([]);
    expect(kase.survey).toBeUndefined();
    expect(kase.custodyChoice).toBeUndefined();
    expect(kase.visits).toEqual([]);
    // Acme's policy too: no one but acme's admin saved a version of it.
    const policy = await ApiClient.as(cloud, 'acme', 'admin').get('/brand/policy');
    expect(policy.headers.get('etag')).toBe(target.policyEtag);
    expect(policy.body.displayName).toBe('Acme Devices');
    // Acme knows this serial's model; Globex does not, and must ask for it rather than borrow acme's.
    const { device: _device, ...rest } = opening({ serial: target.serial });
    const globex = await ApiClient.as(cloud, 'globex', 'customer').post('/cases', {
      ...rest,
      device: { serial: target.serial },
    });
    expect(globex.status).toBe(400);
    expect(globex.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: '#/device/model' })]),
    );
  });
});

describe('the reviewer', () => {
  it('samples the brand’s cases and exports one with its timeline and documents', async () => {
    const reviewer = ApiClient.as(cloud, 'acme', 'reviewer');
    const sample = await reviewer.get<{ items: { caseId: string; links: { export: string } }[] }>(
      '/reviews/sample?size=50',
    );
    expect(sample.status).toBe(200);
    const found = sample.body.items.find((item) => item.caseId === target.caseId);
    expect(found).toBeDefined();
    const exported = await reviewer.get<{
      case: { caseId: string; timeline: unknown[] };
      documents: { documentId: string; dataBase64: string }[];
    }>(found?.links.export ?? '');
    expect(exported.body.case.caseId).toBe(target.caseId);
    expect(exported.body.case.timeline.length).toBeGreaterThan(2);
    expect(JSON.stringify(exported.body.case)).not.toContain('token');
    const label = exported.body.documents.find((document) => document.documentId === target.documentId);
    expect(
      Buffer.from(label?.dataBase64 ?? '', 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await reviewer.get('/reviews/sample?size=0')).body).toMatchObject({
      status: 400,
      errors: [{ pointer: '#/query/size' }],
    });
  });
});

describe('the carrier webhook, which proves itself by a signature instead of a token', () => {
  /** A tracker.updated event about the target's parcel, as the carrier account sends it. */
  const update = (status: string) =>
    JSON.stringify({
      object: 'Event',
      id: nextId('evt'),
      description: 'tracker.updated',
      result: {
        object: 'Tracker',
        tracking_code: target.trackingNumber,
        status,
        tracking_details: [{ status, datetime: new Date(cloud.clock.now()).toISOString() }],
      },
    });
  const post = (brand: string, body: string, signature?: string) =>
    fetch(`${cloud.urls.http}/carrier/webhooks/${brand}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hmac-signature': signature } : {}),
      },
      body,
    });
  const parcel = async () =>
    (await acme.get(target.caseId)).shipments.find(
      (shipment) => shipment.trackingNumber === target.trackingNumber,
    );

  it('refuses an unsigned or wrongly signed update with 401 problem+json, and applies nothing', async () => {
    const before = await parcel();
    const body = update('delivered');
    const secret = cloud.carrier.webhookSecret;
    for (const signature of [
      undefined,
      signEasyPostWebhook(body, 'not-the-secret'),
      signEasyPostWebhook(`${body} `, secret),
    ]) {
      const response = await post('acme', body, signature);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.stringify(await response.json())).not.toContain(target.caseId);
    }
    expect(await parcel()).toEqual(before);
  });

  it('ignores a signed update sent to another brand’s route: that brand has no such parcel, and nothing leaks', async () => {
    const before = await parcel();
    const body = update('in_transit');
    const response = await post('globex', body, signEasyPostWebhook(body, cloud.carrier.webhookSecret));
    expect(response.status).toBe(202);
    const answer = (await response.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ outcome: 'ignored' });
    expect(answer.caseId).toBeUndefined();
    expect(JSON.stringify(answer)).not.toContain(target.caseId);
    expect(await parcel()).toEqual(before);
  });
});
