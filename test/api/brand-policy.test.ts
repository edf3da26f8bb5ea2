import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyItem } from '../../functions/adapters/policy-keys.ts';
import { POLICY_CACHE_SECONDS } from '../../functions/adapters/policy-repository.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { dynamoClient } from '../../local/dynamo.ts';
import { ApiClient } from '../support/api.ts';
import { examplePolicy } from '../support/brands.ts';
import { startTestCloud } from '../support/cloud.ts';

/**
 * Issue 14: a brand's policy is data its admin reads, changes and audits through the API, each change a
 * new version that only one of two editors can make; anyone reads the brand's public terms.
 */
let cloud: LocalCloud;
let admin: ApiClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = ApiClient.as(cloud, 'acme', 'admin', 'ines.admin@acme.example');
});
afterAll(() => cloud?.stop());

async function current() {
  const response = await admin.get('/brand/policy');
  expect(response.status).toBe(200);
  return { policy: response.body, etag: response.headers.get('etag') ?? '' };
}

describe('the admin of a brand', () => {
  it('reads the seeded policy of examples/brands/acme.json, with an ETag naming its version', async () => {
    const { policy, etag } = await current();
    expect(policy).toMatchObject({
      brand: 'acme',
      displayName: 'Acme Devices',
      replaceAfterFailedRepairs: 3,
    });
    expect(etag).toMatch(/^"\d+"$/);
  });

  it('must say which version it changes: 428 without If-Match, 412 with a stale one, nothing saved', async () => {
    const { policy, etag } = await current();
    const changed = { ...policy, returnWindowDays: 45 };
    const blind = await admin.request('PUT', '/brand/policy', changed);
    expect(blind.status).toBe(428);
    expect(blind.headers.get('content-type')).toBe('application/problem+json');
    const saved = await admin.request('PUT', '/brand/policy', changed, { 'if-match': etag });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ savedBy: 'ines.admin@acme.example', changed: ['returnWindowDays'] });
    expect(saved.headers.get('etag')).not.toBe(etag);
    const stale = await admin.request(
      'PUT',
      '/brand/policy',
      { ...policy, returnWindowDays: 10 },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    expect((await current()).policy.returnWindowDays).toBe(45);
  });

  it('lets only one of two editors of the same version save: the other gets 412', async () => {
    const { policy, etag } = await current();
    const [first, second] = await Promise.all(
      [60, 90].map((days) =>
        admin.request('PUT', '/brand/policy', { ...policy, returnWindowDays: days }, { 'if-match': etag }),
      ),
    );
    expect([first?.status, second?.status].sort()).toEqual([200, 412]);
    const winner = first?.status === 200 ? 60 : 90;
    expect((await current()).policy.returnWindowDays).toBe(winner);
  });

  it('hears of every error at once, the checks across fields included, and nothing is saved', async () => {
    const { policy, etag } = await current();
    const sla = policy.sla as Record<string, number>;
    const broken = {
      ...policy,
      currency: 'euro',
      sla: { ...sla, diagnosisSeconds: 0 },
      escalationLadder: [],
      onSiteFamilies: ['tv', 'fridge'],
      followUpOwner: { ...(policy.followUpOwner as object), contact: '' },
    };
    const response = await admin.request('PUT', '/brand/policy', broken, { 'if-match': etag });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const pointers = (response.body.errors as { pointer: string }[]).map((error) => error.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '#/currency',
        '#/sla/diagnosisSeconds',
        '#/escalationLadder',
        '#/onSiteFamilies/1',
        '#/followUpOwner/contact',
      ]),
    );
    expect((await current()).etag).toBe(etag);
  });

  it('lists who saved which version, when, and what it changed, newest first', async () => {
    const response = await admin.get<{ items: { version: number; savedBy: string; changed: string[] }[] }>(
      '/brand/policy/versions',
    );
    expect(response.status).toBe(200);
    const versions = response.body.items.map((item) => item.version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect(response.body.items.at(-1)).toMatchObject({ version: 1, savedBy: 'examples/brands/acme.json' });
    expect(response.body.items[0]).toMatchObject({
      savedBy: 'ines.admin@acme.example',
      changed: ['returnWindowDays'],
    });
  });

  it('creates a new brand with If-None-Match: *, once', async () => {
    const newco = ApiClient.as(cloud, 'newco', 'admin');
    expect((await newco.get('/brand/policy')).status).toBe(404);
    const { policy } = await current();
    const document = { ...policy, brand: 'newco', displayName: 'Newco Gadgets' };
    const created = await newco.request('PUT', '/brand/policy', document, { 'if-none-match': '*' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ version: 1 });
    const again = await newco.request('PUT', '/brand/policy', document, { 'if-none-match': '*' });
    expect(again.status).toBe(412);
    expect((await newco.get('/brand/policy')).body.displayName).toBe('Newco Gadgets');
  });

  it('never reads or changes another brand’s policy', async () => {
    const globex = ApiClient.as(cloud, 'globex', 'admin');
    const before = await current();
    const own = await globex.get('/brand/policy');
    expect(own.body.brand).toBe('globex');
    const takeover = await globex.request(
      'PUT',
      '/brand/policy',
      { ...before.policy, displayName: 'Globex now' },
      { 'if-match': before.etag },
    );
    expect(takeover.status).toBe(400);
    expect(takeover.body.errors).toEqual([expect.objectContaining({ pointer: '#/brand' })]);
    expect(await current()).toEqual(before);
    const history = await globex.get('/brand/policy/versions');
    expect(JSON.stringify(history.body)).not.toContain('ines.admin@acme.example');
  });
});

describe('a brand’s public terms', () => {
  it('tell anyone, without a token, the models, coverage, returns, home visits and reasons, and no people', async () => {
    const anyone = ApiClient.withToken(cloud.urls.http);
    const response = await anyone.get('/brands/globex/policy');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      brand: 'globex',
      displayName: 'Globex Appliances',
      coverage: { standardWarrantyMonths: 24, replaceAfterFailedRepairs: 2 },
      returnWindowDays: 30,
      homeVisits: { offered: true, families: ['tv'] },
    });
    expect(response.body.models).toContainEqual({
      model: 'Dock',
      family: 'accessory',
      serialized: false,
      homeVisit: false,
    });
    expect((response.body.reasons as { code: string }[]).map((reason) => reason.code)).toContain(
      'OUT-OF-WARRANTY',
    );
    // Its people, their contacts, stock and prices stay with the brand.
    const text = JSON.stringify(response.body);
    for (const secret of ['Yuki Tanaka', '@globex.example', 'priceMinor', 'inStock'])
      expect(text).not.toContain(secret);
  });

  it('answer an unknown brand with a 404 problem, and a malformed one with a 400', async () => {
    const anyone = ApiClient.withToken(cloud.urls.http);
    const unknown = await anyone.get('/brands/no-such-brand/policy');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(unknown.body.type).toMatch(/unknown-brand$/);
    const malformed = await anyone.get('/brands/NOT%20A%20BRAND/policy');
    expect(malformed.status).toBe(400);
  });
});

describe('a change saved by another function instance', () => {
  it('is live everywhere within the policy cache’s lifetime (at most a minute), and not before', async () => {
    expect(POLICY_CACHE_SECONDS).toBeLessThanOrEqual(60);
    const anyone = ApiClient.withToken(cloud.urls.http);
    expect((await anyone.get('/brands/globex/policy')).body.displayName).toBe('Globex Appliances');
    // Another instance (say, a Lambda elsewhere) saves version 2, straight into the table.
    const table = DynamoDBDocumentClient.from(dynamoClient(cloud.urls.dynamodb));
    const policy = { ...examplePolicy('globex'), displayName: 'Globex Home' };
    await table.send(
      new PutCommand({
        TableName: process.env.TABLE_NAME,
        Item: policyItem({ version: 2, savedBy: 'elsewhere', savedAt: new Date().toISOString(), policy }),
      }),
    );
    expect((await anyone.get('/brands/globex/policy')).body.displayName).toBe('Globex Appliances');
    await cloud.clock.advance((POLICY_CACHE_SECONDS + 1) * 1000);
    expect((await anyone.get('/brands/globex/policy')).body.displayName).toBe('Globex Home');
  });

  it('reads a depot address stored as one line by an earlier version in parts, and takes a new one only in parts (issue 15)', async () => {
    const table = DynamoDBDocumentClient.from(dynamoClient(cloud.urls.dynamodb));
    const globexAdmin = ApiClient.as(cloud, 'globex', 'admin', 'admin@globex.example');
    const before = await globexAdmin.get('/brand/policy');
    const version = Number(JSON.parse(before.headers.get('etag') ?? '"0"')) + 1;
    const policy = {
      ...examplePolicy('globex'),
      depotAddress: 'Globex Appliances Repair Depot, 1 Service Road, 1000 Brussels, BE',
    };
    await table.send(
      new PutCommand({
        TableName: process.env.TABLE_NAME,
        Item: policyItem({
          version,
          savedBy: 'an earlier version',
          savedAt: new Date().toISOString(),
          policy: policy as unknown as ReturnType<typeof examplePolicy>,
        }),
      }),
    );
    await cloud.clock.advance((POLICY_CACHE_SECONDS + 1) * 1000);
    const read = await globexAdmin.get('/brand/policy');
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.headers.get('etag')).toBe(`"${version}"`);
    expect(read.body.depotAddress).toEqual({
      name: 'Globex Appliances Repair Depot',
      street: ['1 Service Road'],
      postcode: '1000',
      city: 'Brussels',
      country: 'BE',
    });

    const text = await globexAdmin.request(
      'PUT',
      '/brand/policy',
      { ...read.body, depotAddress: 'Globex depot, 2 Other Road, 1000 Brussels, BE' },
      { 'if-match': read.headers.get('etag') ?? '' },
    );
    expect(text.status).toBe(400);
    expect(text.body.errors).toContainEqual({
      pointer: '#/depotAddress',
      detail: expect.stringContaining('Give the address in parts'),
    });
    const postcode = await globexAdmin.request(
      'PUT',
      '/brand/policy',
      { ...read.body, depotAddress: { ...(read.body.depotAddress as object), postcode: '10000' } },
      { 'if-match': read.headers.get('etag') ?? '' },
    );
    expect(postcode.status).toBe(400);
    expect(postcode.body.errors).toEqual([
      { pointer: '#/depotAddress/postcode', detail: 'Postcodes in Belgium look like 1000.' },
    ]);
  });
});
