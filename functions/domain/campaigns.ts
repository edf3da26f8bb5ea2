import * as z from 'zod';
import type { Case } from './case.ts';
import { issueWords, type KnownIssue } from './known-issues.ts';
import type { BrandPolicy } from './policy.ts';

/**
 * A service campaign (a recall): the brand fixes, free, every device on file that a known issue (or a
 * model, firmware and serial range it names) touches, before its owner finds out the hard way. A device
 * is on file through any earlier case of the brand. Its owner types nothing: a device whose cases are all
 * closed gets a case the campaign opens for it, which the case workflow runs as any other (a prepaid
 * label, or a visit offer where the brand visits that family); a device with a case still open has the
 * fix made free on that case. Each is told once, and its progress is read from those cases.
 */

const Id = z
  .string('Give an id of your own for the campaign, so a retry creates it once.')
  .max(64, 'Give 4 to 64 letters, digits, - or _.')
  .regex(/^[A-Za-z0-9_-]{4,64}$/, 'Give 4 to 64 letters, digits, - or _.');
const Firmware = z.string('Give a firmware version as text.').trim().min(1).max(40);

const IssueId = z
  .string('Give the known issue’s id, as its list shows it.')
  .max(15)
  .regex(/^KI-[0-9A-F]{12}$/, 'must look like KI- followed by 12 hex digits');
const Serial = z.string('Give a serial as text.').trim().min(1).max(100);

/**
 * What an admin asks for: from a known issue, or a model, its firmwares and perhaps a serial range.
 * One object rather than a union of the two, so that a request with errors hears of every field at
 * once, each by its path (a union only says that neither shape fits).
 */
export const CampaignRequest = z
  .strictObject({
    campaignId: Id,
    knownIssueId: IssueId.optional(),
    model: z.string('Give the model, as the catalogue names it.').trim().min(1).max(200).optional(),
    firmwares: z
      .array(Firmware, 'Give the firmware versions it touches.')
      .min(1, 'Give at least one firmware version.')
      .max(50, 'Give at most 50 firmware versions.')
      .optional(),
    /** The first and last serial it touches, in the order serials sort: both, or neither. */
    serialFrom: Serial.optional(),
    serialTo: Serial.optional(),
  })
  .superRefine(
    (request, context) => {
      const fail = (field: string, message: string) =>
        context.addIssue({ code: 'custom', path: [field], message });
      if (request.knownIssueId !== undefined) {
        for (const field of ['model', 'firmwares', 'serialFrom', 'serialTo'] as const)
          if (request[field] !== undefined)
            fail(
              field,
              'Leave this out: the known issue names the model and firmwares (or give no knownIssueId).',
            );
        return;
      }
      if (request.model === undefined)
        fail('model', 'Give the model, as the catalogue names it (or a knownIssueId).');
      if (request.firmwares === undefined)
        fail('firmwares', 'Give the firmware versions it touches (or a knownIssueId).');
      if ((request.serialFrom === undefined) !== (request.serialTo === undefined))
        fail(
          request.serialFrom === undefined ? 'serialFrom' : 'serialTo',
          'Give a serial range with both ends (serialFrom and serialTo), or neither.',
        );
      // Run even when a field failed to parse (a missing campaignId): the others are named at once too.
    },
    { when: ({ value }) => typeof value === 'object' && value !== null },
  );
export type CampaignRequest = z.infer<typeof CampaignRequest>;

/** Which devices it touches. */
export const CampaignTarget = z.object({
  model: z.string(),
  firmwares: z.array(z.string()),
  serialFrom: z.string().optional(),
  serialTo: z.string().optional(),
});
export type CampaignTarget = z.infer<typeof CampaignTarget>;

export const Campaign = z.object({
  campaignId: z.string(),
  brand: z.string(),
  target: CampaignTarget,
  knownIssueId: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** What each device's owner is told. */
  message: z.string(),
  /**
   * Each device it reached: its latest case before the campaign (`caseId`), the case its fix runs on
   * (`repairCaseId`: the one the campaign opened, or that case when it was still open) and the notice
   * that told its owner, on that case. Campaigns from before cases were opened for them have no
   * `repairCaseId`: their notice is on `caseId`.
   */
  devices: z.array(
    z.object({
      serial: z.string(),
      caseId: z.string(),
      repairCaseId: z.string().optional(),
      noticeId: z.string().optional(),
    }),
  ),
});
export type Campaign = z.infer<typeof Campaign>;

/** How far a campaign got, device by device, as its cases tell (issue 17). */
export const CampaignProgress = z.object({
  /** Devices on file that it touches. */
  targeted: z.number(),
  /** Their owners' notices went out. */
  told: z.number(),
  /** A notice that reached no one (every channel failed). */
  unreachable: z.number(),
  /** Devices sent in since, on a case opened after the campaign. */
  shipped: z.number(),
  /** Devices repaired or replaced since. */
  fixed: z.number(),
});
export type CampaignProgress = z.infer<typeof CampaignProgress>;

export function targetOf(request: CampaignRequest, issue?: KnownIssue): CampaignTarget {
  if (request.knownIssueId !== undefined) {
    if (!issue) throw new Error('A campaign from a known issue needs the issue.');
    return { model: issue.model, firmwares: issue.firmwares };
  }
  const { model, firmwares, serialFrom, serialTo } = request;
  // The request's refinement gives both whenever there is no known issue.
  if (model === undefined || firmwares === undefined)
    throw new Error('A campaign needs a model and firmwares.');
  return {
    model,
    firmwares,
    ...(serialFrom !== undefined ? { serialFrom } : {}),
    ...(serialTo !== undefined ? { serialTo } : {}),
  };
}

export function touches(target: CampaignTarget, device: Case['device']): boolean {
  if (device.model !== target.model || !device.firmware || !target.firmwares.includes(device.firmware))
    return false;
  if (target.serialFrom !== undefined && device.serial < target.serialFrom) return false;
  if (target.serialTo !== undefined && device.serial > target.serialTo) return false;
  return true;
}

/** The devices a campaign touches, each by its latest case. */
export function devicesTouched(target: CampaignTarget, cases: readonly Case[]): Case[] {
  const latest = new Map<string, Case>();
  for (const kase of cases) {
    if (!touches(target, kase.device)) continue;
    const known = latest.get(kase.device.serial);
    if (!known || known.openedAt < kase.openedAt) latest.set(kase.device.serial, kase);
  }
  return [...latest.values()];
}

/** How the fix reaches a device: a prepaid label to the depot, or a technician's visit (the brand's policy). */
export type CampaignOffer = 'label' | 'visit';

export function offerFor(model: string, policy: BrandPolicy): CampaignOffer {
  const family = policy.catalogue.find((entry) => entry.model === model)?.family;
  return family !== undefined && policy.onSiteFamilies.includes(family) ? 'visit' : 'label';
}

/** The campaign as a case names it, the reason its diagnosis and repair are free. */
export function campaignWords(campaignId: string, target: CampaignTarget, issue?: KnownIssue): string {
  const what = issue
    ? issueWords(issue)
    : `a known issue with ${target.model} on firmware ${target.firmwares.join(' or ')}`;
  return `service campaign ${campaignId} for ${what}`;
}

/** What the owner of a touched device reads, on the case the campaign opened for it ({serial} filled in). */
export function campaignMessage(target: CampaignTarget, offer: CampaignOffer, issue?: KnownIssue): string {
  const what = issue
    ? issueWords(issue)
    : `a known issue with ${target.model} on firmware ${target.firmwares.join(' or ')}`;
  const how =
    offer === 'visit'
      ? 'we offer you windows for a technician’s visit in our next message'
      : 'we send you a prepaid shipping label for it in our next message';
  return `Your ${target.model} (serial {serial}) is affected by ${what}. We fix it at no charge and opened this repair case for it, so there is nothing for you to fill in: ${how}.`;
}

/** What the owner reads when the device is on a case still open: its fix on that case is free. */
export function campaignMessageOnOpenCase(target: CampaignTarget, issue?: KnownIssue): string {
  const what = issue
    ? issueWords(issue)
    : `a known issue with ${target.model} on firmware ${target.firmwares.join(' or ')}`;
  return `Your ${target.model} (serial {serial}) is affected by ${what}. We fix it at no charge on this case.`;
}

/** Statuses of a case whose device has not reached the brand yet. */
const NOT_SENT: readonly string[] = ['opened', 'awaiting-arrival'];

/** Where one device stands, the furthest it got: fixed, shipped (in since), told, unreachable, or only targeted. */
export const DeviceState = z.enum(['targeted', 'told', 'unreachable', 'shipped', 'fixed']);
export type DeviceState = z.infer<typeof DeviceState>;

/** One targeted device, as the progress lists it (and its CSV export, a row each). */
export const CampaignDevice = z.object({
  serial: z.string(),
  model: z.string(),
  firmware: z.string(),
  /** Its latest case before the campaign. */
  caseId: z.string(),
  /** The case its fix runs on: the one the campaign opened, or that earlier case when it was still open. */
  repairCaseId: z.string().optional(),
  state: DeviceState,
});
export type CampaignDevice = z.infer<typeof CampaignDevice>;

/** What is on file for one targeted device: the case it was told on, and its cases opened since the campaign. */
export interface DeviceOnFile {
  told?: Case | undefined;
  since: readonly { status: string; outcome?: string | undefined }[];
}

function stateOf(device: Campaign['devices'][number], found: DeviceOnFile | undefined): DeviceState {
  const later = found?.since ?? [];
  if (later.some((kase) => kase.outcome === 'repaired' || kase.outcome === 'replaced')) return 'fixed';
  if (later.some((kase) => !NOT_SENT.includes(kase.status))) return 'shipped';
  const delivery = device.noticeId ? found?.told?.deliveries[device.noticeId] : undefined;
  if (delivery?.state === 'failed') return 'unreachable';
  if (delivery?.state === 'sent') return 'told';
  return 'targeted';
}

/** Each targeted device and where it stands, in the order the campaign reached them. */
export function devicesOf(campaign: Campaign, devices: readonly DeviceOnFile[]): CampaignDevice[] {
  return campaign.devices.map((device, index) => {
    const found = devices[index];
    return {
      serial: device.serial,
      model: found?.told?.device.model ?? campaign.target.model,
      firmware: found?.told?.device.firmware ?? '',
      caseId: device.caseId,
      ...(device.repairCaseId ? { repairCaseId: device.repairCaseId } : {}),
      state: stateOf(device, found),
    };
  });
}

/**
 * Progress, from each device's case it was told on and the device's cases opened since the campaign.
 * The counts are cumulative: a device shipped in or fixed was told too (or its owner found us anyway).
 */
export function progressOf(campaign: Campaign, devices: readonly DeviceOnFile[]): CampaignProgress {
  let told = 0;
  let unreachable = 0;
  let shipped = 0;
  let fixed = 0;
  campaign.devices.forEach((device, index) => {
    const found = devices[index];
    const delivery = device.noticeId ? found?.told?.deliveries[device.noticeId] : undefined;
    if (delivery?.state === 'failed') unreachable++;
    else if (delivery?.state === 'sent') told++;
    const later = found?.since ?? [];
    if (later.some((kase) => !NOT_SENT.includes(kase.status))) shipped++;
    if (later.some((kase) => kase.outcome === 'repaired' || kase.outcome === 'replaced')) fixed++;
  });
  return { targeted: campaign.devices.length, told, unreachable, shipped, fixed };
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ is
 * prefixed with ' so a spreadsheet shows a serial as text rather than running it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The progress as CSV (RFC 4180, CRLF line ends), a header and a row per targeted device. */
export function progressCsv(devices: readonly CampaignDevice[]): string {
  const header = ['serial', 'model', 'firmware', 'earlier case', 'state'];
  const rows = devices.map((d) => [d.serial, d.model, d.firmware, d.caseId, d.state]);
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** A campaign as the brand's list shows it: what it targets, who started it and when, not its devices. */
export const CampaignSummary = Campaign.omit({ devices: true, message: true });
export type CampaignSummary = z.infer<typeof CampaignSummary>;

/** Newest first; two started in the same millisecond, by id. */
export const newestFirst = (a: CampaignSummary, b: CampaignSummary) =>
  b.createdAt.localeCompare(a.createdAt) || a.campaignId.localeCompare(b.campaignId);

/** Where a page of the list ends: the last campaign's time and id, sent back as `before` for the next. */
export const cursorOf = (campaign: CampaignSummary) => `${campaign.createdAt}~${campaign.campaignId}`;

/** The page of a list (newest first) after the `before` cursor: `limit` campaigns, and the next cursor. */
export function pageOf(
  campaigns: readonly CampaignSummary[],
  page: { limit: number; before?: string | undefined },
): { items: CampaignSummary[]; next?: string } {
  const sorted = [...campaigns].sort(newestFirst);
  const start = page.before ? sorted.findIndex((campaign) => cursorOf(campaign) === page.before) + 1 : 0;
  const items = sorted.slice(start, start + page.limit);
  const last = items.at(-1);
  return start + page.limit < sorted.length && last ? { items, next: cursorOf(last) } : { items };
}

export interface CampaignStore {
  /** Saves a new campaign; answers the one stored under its id when it exists already. */
  create(campaign: Campaign): Promise<Campaign>;
  get(brand: string, campaignId: string): Promise<Campaign | undefined>;
  /** Every campaign of the brand, without its devices (a brand starts few: they are read whole). */
  list(brand: string): Promise<CampaignSummary[]>;
}
