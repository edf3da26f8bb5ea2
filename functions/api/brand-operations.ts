import * as z from 'zod';
import { PublicPolicy } from '../domain/brand-terms.ts';
import { BrandId, BrandPolicy } from '../domain/policy.ts';
import type { Operation } from './operations.ts';
import { ProblemSchema } from './problem.ts';

/**
 * The routes of a brand's policy: its admin reads, changes and audits it; anyone reads its public terms.
 * The admin's brand is the token's tenant: no route names a brand an admin could reach into.
 */

const problems = {
  400: { description: 'The request has errors; every one is listed at once.', schema: ProblemSchema },
  401: { description: 'No valid bearer token.', schema: ProblemSchema },
  403: { description: 'The token does not allow this on this brand.', schema: ProblemSchema },
} as const;
const unknownBrand = {
  404: { description: 'No policy is set up for this brand.', schema: ProblemSchema },
} as const;

export const PolicyVersionView = z.object({
  version: z.number().int(),
  savedBy: z.string(),
  savedAt: z.string(),
  /** The top-level fields this version changed against the one before it (all of them for the first). */
  changed: z.array(z.string()),
});

export const brandOperations = [
  {
    operationId: 'getBrandPolicy',
    method: 'GET',
    path: '/brand/policy',
    summary:
      'The brand’s current policy, as PUT takes it back; its ETag names the version, for If-Match when saving a change.',
    entry: 'functions/get-brand-policy/handler.ts',
    roles: ['admin'],
    access: 'read-policy',
    responses: {
      200: {
        description: 'The current policy; ETag and X-Policy-Version name its version.',
        schema: BrandPolicy,
      },
      ...problems,
      ...unknownBrand,
    },
  },
  {
    operationId: 'putBrandPolicy',
    method: 'PUT',
    path: '/brand/policy',
    summary:
      'Saves a new version of the brand’s policy (If-Match: the ETag it was edited from), or creates the brand (If-None-Match: *). Open cases keep the version they opened under for what they were promised.',
    entry: 'functions/put-brand-policy/handler.ts',
    roles: ['admin'],
    access: 'change-policy',
    headers: z.object({
      'if-match': z.string().optional().describe('The ETag of the version this change was made from.'),
      'if-none-match': z
        .literal('*', 'Send If-None-Match: * to create the brand, or leave it out.')
        .optional()
        .describe('`*` creates the brand: it must not exist yet.'),
    }),
    body: BrandPolicy,
    responses: {
      200: { description: 'The new version is current.', schema: PolicyVersionView },
      201: { description: 'The brand was created with version 1.', schema: PolicyVersionView },
      ...problems,
      ...unknownBrand,
      412: {
        description:
          'The policy changed since the ETag sent (or the brand exists already): nothing was saved.',
        schema: ProblemSchema,
      },
      428: {
        description: 'No If-Match (or If-None-Match: *) was sent: nothing was saved.',
        schema: ProblemSchema,
      },
    },
  },
  {
    operationId: 'listBrandPolicyVersions',
    method: 'GET',
    path: '/brand/policy/versions',
    summary: 'Who saved which version of the brand’s policy, when, and what each changed; newest first.',
    entry: 'functions/list-brand-policy-versions/handler.ts',
    roles: ['admin'],
    access: 'read-policy',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    responses: {
      200: {
        description: 'The versions, newest first.',
        schema: z.object({ items: z.array(PolicyVersionView) }),
      },
      ...problems,
    },
  },
  {
    operationId: 'getPublicPolicy',
    method: 'GET',
    path: '/brands/{brand}/policy',
    summary:
      'What a brand offers before a case is opened: the models to pick, coverage and return terms, home visits, and the reasons it may deny a request for.',
    entry: 'functions/get-public-policy/handler.ts',
    roles: [],
    access: 'read-policy',
    params: z.object({ brand: BrandId }),
    responses: {
      200: { description: 'The brand’s public terms.', schema: PublicPolicy },
      400: problems[400],
      ...unknownBrand,
    },
  },
] as const satisfies readonly Operation[];
