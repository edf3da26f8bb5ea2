import {
  type Campaign,
  type CampaignDevice,
  type CampaignProgress,
  type CampaignRequest,
  type CampaignStore,
  campaignMessage,
  devicesOf,
  devicesTouched,
  progressOf,
  targetOf,
} from '../domain/campaigns.ts';
import { type Actor, actorId, type Case } from '../domain/case.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { notify } from '../domain/escalation.ts';
import { changeCase } from './change-case.ts';
import type { Deps } from './deps.ts';

/**
 * Service campaigns (functions/domain/campaigns.ts): an admin's request finds the brand's devices on
 * file that it touches, through their cases, and tells each owner once, on the device's latest case.
 */

/** Every case of the brand, through the brand's index, a page at a time (a campaign is a rare, deliberate act). */
const ALWAYS = { from: '0000-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' };

function storeOf(deps: Deps): CampaignStore {
  if (!deps.campaigns) throw new Error('Campaigns need deps.campaigns (functions/shared/deps.ts).');
  return deps.campaigns;
}

export async function createCampaignCommand(
  command: { brand: string; actor: Actor; request: CampaignRequest },
  deps: Deps,
): Promise<{ campaign: Campaign; created: boolean }> {
  const { brand, request } = command;
  const store = storeOf(deps);
  const existing = await store.get(brand, request.campaignId);
  if (existing) return { campaign: existing, created: false };
  const issue =
    'knownIssueId' in request ? await deps.knownIssues?.get(brand, request.knownIssueId) : undefined;
  if ('knownIssueId' in request && !issue) throw new NotFoundError(`known issue ${request.knownIssueId}`);
  if (issue?.status === 'dismissed')
    throw new ConflictError(
      `Known issue ${issue.issueId} was dismissed (${issue.dismissal?.reason ?? 'no reason kept'}): a campaign would promise a free fix it no longer gives.`,
      'Known issue dismissed',
    );
  const target = targetOf(request, issue);
  const cases: Case[] = [];
  let after: string | undefined;
  do {
    const page = await deps.repo.casesOpened(brand, ALWAYS, { limit: 100, ...(after ? { after } : {}) });
    cases.push(...page.cases);
    after = page.after;
  } while (after);
  const template = campaignMessage(target, issue);
  const told = `campaign:${request.campaignId}`;
  const devices: Campaign['devices'] = [];
  const touched = devicesTouched(target, cases);
  // A few at a time: each is a write of the device's case, and a notice on its way.
  for (let i = 0; i < touched.length; i += 8) {
    const batch = touched.slice(i, i + 8);
    const noticed = await Promise.all(
      batch.map(({ caseId, device }) =>
        changeCase({ brand, caseId, seen: [told] }, deps, (kase) => {
          // A retried request finds the owner told already: once per campaign.
          if (kase.seenEventIds.includes(told)) return { case: kase, result: undefined };
          const message = template
            .replace('{serial}', device.serial)
            .replace('{serialInLink}', encodeURIComponent(device.serial));
          const after = notify({ ...kase, seenEventIds: [...kase.seenEventIds, told] }, message, deps.now);
          return { case: after, result: after.notifications.at(-1)?.id };
        }),
      ),
    );
    batch.forEach(({ caseId, device }, index) => {
      const noticeId = noticed[index]?.result;
      devices.push({ serial: device.serial, caseId, ...(noticeId ? { noticeId } : {}) });
    });
  }
  const campaign: Campaign = {
    campaignId: request.campaignId,
    brand,
    target,
    ...(issue ? { knownIssueId: issue.issueId } : {}),
    createdAt: deps.now.toISOString(),
    createdBy: actorId(command.actor),
    message: template,
    devices,
  };
  const stored = await store.create(campaign);
  return { campaign: stored, created: stored === campaign };
}

/** A campaign and how far it got: each device's notice, and its cases since. */
export async function campaignProgress(
  brand: string,
  campaignId: string,
  deps: Deps,
): Promise<{ campaign: Campaign; progress: CampaignProgress; devices: CampaignDevice[] }> {
  const campaign = await storeOf(deps).get(brand, campaignId);
  if (!campaign) throw new NotFoundError(`campaign ${campaignId}`);
  const devices = await Promise.all(
    campaign.devices.map(async ({ serial, caseId }) => {
      const [told, history] = await Promise.all([
        deps.repo.get(brand, caseId),
        deps.repo.deviceHistory(brand, serial),
      ]);
      return { told, since: history.cases.filter((kase) => kase.openedAt > campaign.createdAt) };
    }),
  );
  return { campaign, progress: progressOf(campaign, devices), devices: devicesOf(campaign, devices) };
}
