import * as z from 'zod';
import {
  Campaign,
  CampaignDevice,
  CampaignProgress,
  CampaignRequest,
  CampaignSummary,
} from '../domain/campaigns.ts';
import { KnownIssue, KnownIssueDecisionRequest } from '../domain/known-issues.ts';
import type { Operation } from './operations.ts';
import { ProblemSchema } from './problem.ts';

/**
 * The routes of known issues (functions/domain/known-issues.ts): agents and the brand's admin see the
 * brand's queue of them and decide on each. The brand is the token's tenant: another brand's issue does
 * not exist for the caller.
 */

const problems = {
  400: { description: 'The request has errors; every one is listed at once.', schema: ProblemSchema },
  401: { description: 'No valid bearer token.', schema: ProblemSchema },
  403: { description: 'The token does not allow this on this brand.', schema: ProblemSchema },
} as const;

export const KnownIssueParams = z.object({
  issueId: z.string().regex(/^KI-[0-9A-F]{12}$/, 'must look like KI- followed by 12 hex digits (capitals)'),
});

export const CampaignParams = z.object({
  campaignId: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'a campaign id: 4 to 64 letters, digits, - or _'),
});

/** The progress as CSV for a spreadsheet, asked for by `?format=csv` (a link) or `Accept: text/csv`. */
export const CampaignFormat = z.object({
  format: z.enum(['json', 'csv'], 'Give json or csv.').optional(),
});

export const knownIssueOperations = [
  {
    operationId: 'listKnownIssues',
    method: 'GET',
    path: '/known-issues',
    summary:
      'The brand’s known issues, newest first: model, firmware range, the symptom or fault code, the cases that raised each, and the decisions on it.',
    entry: 'functions/list-known-issues/handler.ts',
    roles: ['agent', 'admin'],
    access: 'read-cases',
    responses: {
      200: { description: 'The known issues.', schema: z.object({ items: z.array(KnownIssue) }) },
      ...problems,
    },
  },
  {
    operationId: 'decideKnownIssue',
    method: 'POST',
    path: '/known-issues/{issueId}/decisions',
    summary:
      'Confirms a known issue, widens its firmware range (the cases of those firmwares are charged nothing too), or dismisses it with a reason: its cases are charged again from their next diagnosis, the reason on their timeline. Once per decisionId.',
    entry: 'functions/decide-known-issue/handler.ts',
    roles: ['agent', 'admin'],
    access: 'change-cases',
    params: KnownIssueParams,
    body: KnownIssueDecisionRequest,
    responses: {
      201: { description: 'Decided; the issue as it stands now.', schema: KnownIssue },
      ...problems,
      404: { description: 'No such known issue for this brand.', schema: ProblemSchema },
      409: { description: 'The issue was dismissed: it takes no other decision.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'createCampaign',
    method: 'POST',
    path: '/campaigns',
    summary:
      'A service campaign from a known issue or a model, firmwares and serials: each matching device on file is fixed free, on a case opened for it (with a prepaid label or a visit offer) or its open case. Once per campaignId and device.',
    entry: 'functions/create-campaign/handler.ts',
    roles: ['admin'],
    access: 'change-cases',
    body: CampaignRequest,
    responses: {
      201: {
        description: 'Created; the devices it reached and the case each is fixed on.',
        schema: Campaign,
      },
      200: { description: 'The campaign this campaignId created before.', schema: Campaign },
      ...problems,
      404: { description: 'No such known issue for this brand.', schema: ProblemSchema },
      409: { description: 'The known issue was dismissed.', schema: ProblemSchema },
    },
  },
  {
    operationId: 'listCampaigns',
    method: 'GET',
    path: '/campaigns',
    summary:
      'The brand’s campaigns, newest first, a page at a time (`next` is sent back as `before` for older ones): what each targets, from which known issue, who started it and when.',
    entry: 'functions/list-campaigns/handler.ts',
    roles: ['admin', 'agent'],
    access: 'read-cases',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      before: z
        .string()
        .max(120)
        .regex(/^[0-9T:.Z-]+~[A-Za-z0-9_-]{4,64}$/, 'Send back the `next` of the page before.')
        .optional(),
    }),
    responses: {
      200: {
        description: 'A page of campaigns.',
        schema: z.object({ items: z.array(CampaignSummary), next: z.string().optional() }),
      },
      ...problems,
    },
  },
  {
    operationId: 'getCampaign',
    method: 'GET',
    path: '/campaigns/{campaignId}',
    summary:
      'A campaign and its progress: devices targeted, told, unreachable, shipped in since, fixed, and each device where it stands. As CSV (a row per device: serial, model, firmware, earlier case, state) with `?format=csv` or `Accept: text/csv`.',
    entry: 'functions/get-campaign/handler.ts',
    roles: ['admin', 'agent'],
    access: 'read-cases',
    params: CampaignParams,
    query: CampaignFormat,
    headers: z.object({ accept: z.string().max(1000).optional() }),
    responses: {
      200: {
        description: 'The campaign, its progress and its devices; or, as text/csv, a row per device.',
        schema: z.object({
          campaign: Campaign,
          progress: CampaignProgress,
          devices: z.array(CampaignDevice),
        }),
        alsoAs: 'text/csv',
      },
      ...problems,
      404: { description: 'No such campaign for this brand.', schema: ProblemSchema },
    },
  },
] as const satisfies readonly Operation[];
