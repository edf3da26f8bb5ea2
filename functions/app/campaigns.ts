import {
  type Campaign,
  type CampaignDevice,
  type CampaignOffer,
  type CampaignProgress,
  type CampaignRequest,
  type CampaignStore,
  campaignMessage,
  campaignMessageOnOpenCase,
  campaignWords,
  devicesOf,
  devicesTouched,
  offerFor,
  pageOf,
  progressOf,
  targetOf,
} from '../domain/campaigns.ts';
import { type Actor, actorId, type Case } from '../domain/case.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { notify } from '../domain/escalation.ts';
import { inboxKey, recordEvent } from '../domain/event-inbox.ts';
import { makeFree, onToRepair } from '../domain/known-issues.ts';
import { type CaseEvent, CaseOpening } from '../domain/schemas.ts';
import { entry } from '../domain/timeline.ts';
import { changeCase } from './change-case.ts';
import { openCaseCommand } from './commands/cases.ts';
import type { Deps } from './deps.ts';
import { casePolicy, policyOf } from './policies.ts';

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
  const { knownIssueId } = request;
  const issue = knownIssueId !== undefined ? await deps.knownIssues?.get(brand, knownIssueId) : undefined;
  if (knownIssueId !== undefined && !issue) throw new NotFoundError(`known issue ${knownIssueId}`);
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
  const offer = offerFor(target.model, await policyOf(deps.policies, brand));
  const reach: Reach = {
    brand,
    campaignId: request.campaignId,
    link: { campaignId: request.campaignId, words: campaignWords(request.campaignId, target, issue) },
    opens: campaignMessage(target, offer, issue),
    onOpenCase: campaignMessageOnOpenCase(target, issue),
    offer,
    // What the notices say, for the catalogue to word in the owner's language (notice-words.ts).
    values: { model: target.model, firmwares: target.firmwares.join('\n') },
    preferredService: offer === 'visit' ? 'on-site' : 'mail-in',
  };
  const devices: Campaign['devices'] = [];
  const touched = devicesTouched(target, cases);
  // A few at a time: each is a case opened (and its workflow started) or changed, and a notice on its way.
  for (let i = 0; i < touched.length; i += 8) {
    const batch = touched.slice(i, i + 8);
    devices.push(...(await Promise.all(batch.map((latest) => reachDevice(latest, reach, deps)))));
  }
  const campaign: Campaign = {
    campaignId: request.campaignId,
    brand,
    target,
    ...(issue ? { knownIssueId: issue.issueId } : {}),
    createdAt: deps.now.toISOString(),
    createdBy: actorId(command.actor),
    message: reach.opens,
    devices,
  };
  const stored = await store.create(campaign);
  return { campaign: stored, created: stored === campaign };
}

/** What every device of one campaign is given. */
interface Reach {
  brand: string;
  campaignId: string;
  link: { campaignId: string; words: string };
  /** The notice on a case the campaign opens, and on a case still open; `{serial}` to fill in. */
  opens: string;
  onOpenCase: string;
  offer: CampaignOffer;
  values: { model: string; firmwares: string };
  preferredService: 'on-site' | 'mail-in';
}

/**
 * One device, by its latest case: still open, its fix there is made free and its owner told; else the
 * campaign opens a case for it as a staff member would, in its owner's name and with what is on file
 * (so the owner types nothing), and the case workflow sends the label or the visit offer. Once per
 * campaign and device: the case the campaign opens is named by the campaign and the serial (an
 * Idempotency-Key), and an open case remembers it was told.
 */
async function reachDevice(latest: Case, reach: Reach, deps: Deps): Promise<Campaign['devices'][number]> {
  const { serial } = latest.device;
  const message = (template: string) => template.replace('{serial}', serial);
  const linked = (kase: Case, opened: boolean, text: string): Case =>
    notify(withCampaign(kase, reach, opened, deps.now), text, deps.now, {
      key: opened ? `campaign.${reach.offer}` : 'campaign.open-case',
      values: { ...reach.values, serial },
    });
  if (latest.status !== 'closed') {
    const noticeId = await reachOpenCase(latest.caseId, message(reach.onOpenCase), reach, serial, deps);
    return { serial, caseId: latest.caseId, repairCaseId: latest.caseId, ...(noticeId ? { noticeId } : {}) };
  }
  const { customer, device } = latest;
  const opening = CaseOpening.parse({
    customer: {
      name: customer.name,
      email: customer.email,
      preferredChannel: customer.preferredChannel,
      ...(customer.phone ? { phone: customer.phone } : {}),
      ...(customer.address ? { address: customer.address } : {}),
      ...(customer.locale ? { locale: customer.locale } : {}),
      ...(customer.timeZone ? { timeZone: customer.timeZone } : {}),
    },
    device: { serial, model: device.model, purchaseDate: device.purchaseDate, firmware: device.firmware },
    problem: { description: `${sentence(reach.link.words)}.`, category: 'other' },
    preferredService: reach.preferredService,
    plan: latest.plan,
  });
  const text = message(reach.opens);
  const { case: opened } = await openCaseCommand(
    {
      brand: reach.brand,
      actor: { role: 'system', subject: `campaign:${reach.campaignId}` },
      opening,
      idempotencyKey: serial,
      // The device's owner sees the case as theirs, as they saw its earlier case.
      adding: (fresh) =>
        linked(
          { ...fresh, ...(latest.customerSubject ? { customerSubject: latest.customerSubject } : {}) },
          true,
          text,
        ),
    },
    deps,
  );
  const noticeId = opened.notifications.find((notice) => notice.parts?.message === text)?.id;
  return { serial, caseId: latest.caseId, repairCaseId: opened.caseId, ...(noticeId ? { noticeId } : {}) };
}

/** The case as the campaign marks it: its diagnosis and repair free, for the campaign's reason. */
const withCampaign = (kase: Case, reach: Reach, opened: boolean, now: Date): Case => ({
  ...kase,
  campaign: { ...reach.link, opened },
  timeline: [
    ...kase.timeline,
    entry(now, 'campaign', `${sentence(reach.link.words)}: diagnosis and repair are free.`, BY),
  ],
});

/**
 * A device's case still open: linked to the campaign, its owner told, once (the case remembers it). Its
 * next diagnosis is free (good-faith.ts); one already made is made free now, and an estimate sent for it
 * is withdrawn, as a known issue does: the withdrawal answers the workflow's wait for the customer's
 * answer, which goes on to the repair. Answers the notice's id.
 */
async function reachOpenCase(caseId: string, text: string, reach: Reach, serial: string, deps: Deps) {
  const told = `campaign:${reach.campaignId}`;
  const by: Actor = { role: 'system', subject: told };
  const seen = [told, inboxKey(by.role, told)];
  const { result } = await changeCase({ brand: reach.brand, caseId, seen }, deps, async (kase) => {
    if (kase.seenEventIds.includes(told)) return { case: kase, result: undefined };
    const said = { key: 'campaign.open-case', values: { ...reach.values, serial } };
    const marked = withCampaign(
      { ...kase, seenEventIds: [...kase.seenEventIds, told] },
      reach,
      false,
      deps.now,
    );
    const freed = makeFree(marked, `${sentence(reach.link.words)}: no charge.`, deps.now, actorId(by));
    if (!freed.withdrawn) {
      const after = notify(freed.case, text, deps.now, said);
      return { case: after, result: after.notifications.at(-1)?.id };
    }
    const withdrawn = `${text.replace(/\.$/, '')}; the estimate we sent you is withdrawn and nothing is asked of you.`;
    const saidWithdrawn = { ...said, key: 'campaign.open-case.withdrawn' };
    if (!freed.answersEstimate) {
      const after = notify(freed.case, withdrawn, deps.now, saidWithdrawn);
      return { case: after, result: after.notifications.at(-1)?.id };
    }
    const answer: CaseEvent = {
      type: 'estimate-answered',
      eventId: told,
      occurredAt: deps.now.toISOString(),
      approved: true,
    };
    const answered = recordEvent(freed.case, answer, deps.now, by);
    const policy = await casePolicy(deps.policies, kase);
    const after = onToRepair(answered.case, policy, deps.now, withdrawn, saidWithdrawn);
    return { case: after, result: after.notifications.at(-1)?.id, deliver: answered.deliver };
  });
  return result;
}

const BY = 'system:campaigns';
const sentence = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/** A campaign and how far it got: each device's notice, and its cases since. */
export async function campaignProgress(
  brand: string,
  campaignId: string,
  deps: Deps,
): Promise<{ campaign: Campaign; progress: CampaignProgress; devices: CampaignDevice[] }> {
  const campaign = await storeOf(deps).get(brand, campaignId);
  if (!campaign) throw new NotFoundError(`campaign ${campaignId}`);
  const devices = await Promise.all(
    campaign.devices.map(async ({ serial, caseId, repairCaseId }) => {
      const [told, history] = await Promise.all([
        deps.repo.get(brand, repairCaseId ?? caseId),
        deps.repo.deviceHistory(brand, serial),
      ]);
      // The case the fix runs on counts, opened by the campaign or still open when it came, and any
      // case its owner opened since.
      const since = history.cases.filter(
        (kase) => kase.caseId === repairCaseId || kase.openedAt > campaign.createdAt,
      );
      return { told, since };
    }),
  );
  return { campaign, progress: progressOf(campaign, devices), devices: devicesOf(campaign, devices) };
}

/** The brand's campaigns, newest first, a page at a time. */
export async function listCampaigns(
  brand: string,
  page: { limit: number; before?: string | undefined },
  deps: Deps,
) {
  return pageOf(await storeOf(deps).list(brand), page);
}
