import * as z from 'zod';
import { DepotAddress, depotFromText } from './address.ts';
import { knownTimezone } from './business-time.ts';
import { KnownIssuesPolicy } from './known-issues-policy.ts';
import { PartCategory } from './schemas.ts';

/**
 * A brand's policy: coverage periods, deadlines, its escalation ladder, its range and prices, its
 * people and its published reasons. Rules read it; they never hold a brand's numbers themselves, and
 * this file holds none either: each brand's policy is a versioned document in the table
 * (`examples/brands/*.json` are the demo brands, seeded on the local cloud's first start).
 *
 * The schema is the single source of the policy's type, of the checks on `PUT /brand/policy` and of
 * its JSON Schema in /openapi.json.
 */

/** A brand's id, as tokens carry it and keys begin with it. */
export const BrandId = z
  .string('Give the brand as text.')
  .max(40, 'Give 2 to 40 lower-case letters, digits or -.')
  .regex(/^[a-z0-9-]{2,40}$/, 'Give 2 to 40 lower-case letters, digits or -.');

const Text = z.string('Give this as text.').trim().min(1, 'Give this; it may not be empty.').max(500);
const Count = z.number('Give a whole number.').int('Give a whole number.').min(0, 'Give 0 or more.');
const AtLeastOne = z.number('Give a whole number.').int('Give a whole number.').min(1, 'Give 1 or more.');
/** A deadline: a step that must happen at once is not a deadline, so zero is refused. */
const Seconds = z
  .number('Give a number of seconds.')
  .int('Give whole seconds.')
  .positive('A deadline of zero (or less) cannot be met: give a number of seconds above 0.');
const Contact = z
  .string('Give a contact (an email address).')
  .trim()
  .max(254, 'Give an email address of at most 254 characters.')
  .email('Give an email address.');
/** Lists are bounded, as every request's are: a brand's policy is a document a person edits. */
const List = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max, `Give at most ${max}; a longer list is not a policy a person can read.`);

/** What is decided: coverage, a return, a visit, or closing a case a person took over (a closure). */
export const DecisionKind = z.enum(['coverage', 'return', 'visit', 'closure']);
export type DecisionKind = z.infer<typeof DecisionKind>;

/** A published reason for a denial: what it means and what the customer can do about it. */
export const ReasonCode = z.object({
  code: z
    .string('Give the code as text.')
    .max(40, 'Give 2 to 40 capitals, digits or -.')
    .regex(/^[A-Z0-9-]{2,40}$/, 'Give 2 to 40 capitals, digits or -.'),
  /** What is denied for this reason. */
  decision: DecisionKind,
  text: Text,
  youCan: Text,
});
export type ReasonCode = z.infer<typeof ReasonCode>;

/** A model the brand sells, with its place in the range: replacements are like-for-like or better. */
export const CatalogueModel = z.object({
  model: Text,
  family: Text,
  /** Higher is better within a family. */
  tier: Count,
  inStock: z.boolean('Say whether it is in stock: true or false.'),
  /** Price in minor units: the refund of a return, the basis of an estimate. */
  priceMinor: Count,
  /** Sold without a serial (an accessory): a case for one may leave the serial out. */
  unserialized: z
    .literal(true, 'Leave this out, or give true for a product sold without a serial.')
    .optional(),
});
export type CatalogueModel = z.infer<typeof CatalogueModel>;

export const Sla = z.strictObject({
  arrivalSeconds: Seconds,
  diagnosisSeconds: Seconds,
  estimateAnswerSeconds: Seconds,
  repairSeconds: Seconds,
  deliverySeconds: Seconds,
  /** For the customer to book one of the offered visit windows. */
  bookingSeconds: Seconds,
  /** For a technician to report a visit, counted from the end of its window. */
  visitReportSeconds: Seconds,
  /** For every customer-owned part to be returned, destroyed on their choice, or released. */
  custodySeconds: Seconds,
  /** For the named person to follow up a customer whose needs were not met (P10). */
  followUpSeconds: Seconds,
  /** For the customer to give the address a parcel or a technician needs, when none is on file. */
  addressSeconds: Seconds,
  /**
   * How long a customer who missed a deadline of theirs has after being reminded, before the case
   * closes with a published reason (or, for a missing address, a person takes it over).
   */
  customerGraceSeconds: Seconds,
});

const ClockTime = z
  .string('Give a time as HH:MM.')
  .max(5, 'Give a time as HH:MM (24 hours).')
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Give a time as HH:MM (24 hours).');

/**
 * When the brand works, in its timezone: deadlines of its own work (diagnosis, repair, follow-up) count
 * these hours only, holidays excluded (business-time.ts). Without it, every second counts.
 */
export const BusinessHours = z
  .strictObject({
    timezone: z
      .string('Give an IANA timezone such as Europe/Brussels.')
      .max(64)
      .refine(knownTimezone, 'Give an IANA timezone such as Europe/Brussels.'),
    /** ISO weekdays: Monday 1 ... Sunday 7. */
    days: z
      .array(
        z
          .number()
          .int()
          .min(1, 'Give weekdays 1 (Monday) to 7 (Sunday).')
          .max(7, 'Give weekdays 1 (Monday) to 7 (Sunday).'),
      )
      .min(1, 'Give at least one working day.')
      .max(7),
    opens: ClockTime,
    closes: ClockTime,
    holidays: z.array(z.iso.date('Give a holiday as YYYY-MM-DD.')).max(400).default([]),
  })
  .refine((hours) => hours.opens < hours.closes, {
    path: ['closes'],
    message: 'The brand closes after it opens: give a later time than opens.',
  });

const Person = z.object({ name: Text, contact: Contact, respondWithinSeconds: Seconds });

/** The fields of a policy, each checked on its own. */
const PolicyFields = z.strictObject({
  brand: BrandId,
  displayName: Text,
  currency: z
    .string('Give a currency code.')
    .max(3, 'Give an ISO 4217 code such as EUR.')
    .regex(/^[A-Z]{3}$/, 'Give an ISO 4217 code such as EUR.'),
  /** Coverage periods, in months from purchase. */
  standardWarrantyMonths: Count,
  extendedWarrantyMonths: Count,
  /** A device that fails within this many days of purchase is dead on arrival: replaced at once. */
  deadOnArrivalDays: Count,
  /** Unfit, mis-sold or unopened goods may be returned within this many days. */
  returnWindowDays: Count,
  /** Failed repairs of one device (same fault, across all its cases) before it is replaced. */
  replaceAfterFailedRepairs: AtLeastOne,
  /**
   * A repair reported fixed whose fault is reported again on the device within this many days did not
   * hold: it counts as a failed repair (P4).
   */
  repairHoldsDays: Count,
  /** Warranty a replacement gets at least, in months, when less remains on the original. */
  replacementMinimumWarrantyMonths: Count,
  /** Deadlines of the waiting steps, in seconds. */
  sla: Sla,
  businessHours: BusinessHours.optional(),
  /**
   * Where the brand is: times on its documents (a certificate of destruction) are in this timezone.
   * Without it, its business hours' timezone; without those, UTC.
   */
  timezone: z
    .string('Give an IANA timezone such as Europe/Brussels.')
    .max(64)
    .refine(knownTimezone, 'Give an IANA timezone such as Europe/Brussels.')
    .optional(),
  /** Who owns the case at each escalation level, lowest first. */
  escalationLadder: List(z.object({ role: Text, contact: Contact, respondWithinSeconds: Seconds }), 20).min(
    1,
    'A case must always have someone to escalate to: give at least one rung, with a contact.',
  ),
  /**
   * Who decides when the workflow cannot go on by itself (a step failed after its retries, no
   * replacement can be supplied, a parcel is lost): they see it in their queue and have this long.
   * A brand without one hands such a case to the next rung of its ladder instead.
   */
  caseDesk: Person.optional(),
  catalogue: List(CatalogueModel, 5_000).min(1, 'Give at least one model the brand sells.'),
  /** Families of the range serviced at the customer's home (a TV is visited, a laptop is mailed). */
  onSiteFamilies: List(Text, 100),
  /** Completed visits the customer accepted that the brand's service includes: per case, or see below. */
  visitAllowance: Count,
  /**
   * With this, the allowance counts per device over this many months (2 accepted visits per device per
   * 12 months), across all its cases, instead of per case.
   */
  visitAllowancePeriodMonths: AtLeastOne.max(120, 'Give at most 120 months.').optional(),
  technicians: List(z.object({ id: Text, name: Text, phone: Text }), 1_000),
  /** Part categories that become the brand's when replaced, if the customer was told before the repair. */
  exchangeCategories: List(PartCategory, PartCategory.options.length),
  /** The depot devices are shipped to, in parts (address.ts); a policy kept as one line is read by depotFromText. */
  depotAddress: DepotAddress,
  /**
   * Where the brand's labels come from: the deployment's carrier account (`account`, the default; see
   * docs/carrier.md), or the built-in local post, which prints scannable labels but moves no parcel
   * (`local-post`: a brand trying fairfix out before its carrier contract starts).
   */
  carrier: z.enum(['account', 'local-post']).optional(),
  /** The only reasons a request may be denied for, as published to customers. */
  reasonCatalogue: List(ReasonCode, 200),
  /** How long the customer may tell whether their needs were met after resolution. */
  surveyWindowSeconds: Seconds,
  /** The named person who follows up a customer whose needs were not met, within a day. */
  followUpOwner: z.object({ name: Text, role: Text, contact: Contact }),
  /**
   * Known-issue detection (functions/domain/known-issues.ts): K reports of one model, firmware and
   * symptom (or fault code) within a window waive the charges of every matching case. Off without it.
   */
  knownIssues: KnownIssuesPolicy.optional(),
});

/**
 * Reasons the workflow itself gives (closing after a customer's silence, denying a visit, a return too
 * late...): a policy must publish each of them, for the decision it is given for.
 */
export const REASONS_THE_WORKFLOW_GIVES: Readonly<Record<string, DecisionKind>> = {
  'OUT-OF-WARRANTY': 'coverage',
  'RETURN-WINDOW-PASSED': 'return',
  'VISIT-NOT-OFFERED': 'visit',
  'VISIT-ALLOWANCE-USED': 'visit',
  'CUSTOMER-WITHDREW': 'closure',
  'RESOLVED-BY-AGREEMENT': 'closure',
  'DEVICE-NOT-SENT': 'closure',
  'ESTIMATE-NOT-ANSWERED': 'closure',
  'VISIT-NOT-BOOKED': 'closure',
  'OFFER-NOT-ANSWERED': 'closure',
};

type Issue = { path: (string | number)[]; message: string };

/**
 * Checks across fields, run even when other fields are wrong so that every error is reported at once:
 * each reads only parts that are valid on their own.
 */
export function crossFieldIssues(input: unknown): Issue[] {
  if (typeof input !== 'object' || input === null) return [];
  const value = input as Record<string, unknown>;
  const part = <T extends z.ZodType>(schema: T, key: string): z.infer<T> | undefined => {
    const parsed = schema.safeParse(value[key]);
    return parsed.success ? parsed.data : undefined;
  };
  const issues: Issue[] = [];
  const catalogue = part(PolicyFields.shape.catalogue, 'catalogue');
  const families = new Set(catalogue?.map((model) => model.family));
  const onSite = part(PolicyFields.shape.onSiteFamilies, 'onSiteFamilies');
  if (catalogue && onSite) {
    onSite.forEach((family, index) => {
      if (!families.has(family))
        issues.push({
          path: ['onSiteFamilies', index],
          message: `No model of the catalogue is in the family "${family}": add one, or leave the family out.`,
        });
    });
  }
  if (catalogue) duplicates(catalogue, (model) => model.model, 'catalogue', 'model', issues);
  const technicians = part(PolicyFields.shape.technicians, 'technicians');
  if (technicians) duplicates(technicians, (tech) => tech.id, 'technicians', 'id', issues);
  if (onSite && onSite.length > 0 && technicians?.length === 0)
    issues.push({
      path: ['technicians'],
      message: 'Home visits are offered (onSiteFamilies), so give at least one technician to make them.',
    });
  const reasons = part(PolicyFields.shape.reasonCatalogue, 'reasonCatalogue');
  if (reasons) {
    duplicates(reasons, (reason) => reason.code, 'reasonCatalogue', 'code', issues);
    for (const [code, decision] of Object.entries(REASONS_THE_WORKFLOW_GIVES)) {
      if (!reasons.some((reason) => reason.code === code && reason.decision === decision))
        issues.push({
          path: ['reasonCatalogue'],
          message: `The workflow gives the reason ${code} (a ${decision} decision): publish it, so a customer can read what it means.`,
        });
    }
  }
  const standard = part(PolicyFields.shape.standardWarrantyMonths, 'standardWarrantyMonths');
  const doa = part(PolicyFields.shape.deadOnArrivalDays, 'deadOnArrivalDays');
  if (standard !== undefined && doa !== undefined && doa > standard * 31)
    issues.push({
      path: ['deadOnArrivalDays'],
      message: 'A device cannot be dead on arrival for longer than its standard warranty lasts.',
    });
  return issues;
}

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: string,
  name: string,
  issues: Issue[],
) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const id = key(item);
    if (seen.has(id))
      issues.push({ path: [field, index, name], message: `"${id}" is listed twice; give each once.` });
    seen.add(id);
  });
}

/** A brand's policy: every field checked, and the checks across fields, all reported at once. */
export const BrandPolicy = PolicyFields.superRefine((value, context) => {
  for (const issue of crossFieldIssues(value)) context.addIssue({ code: 'custom', ...issue });
});
export type BrandPolicy = z.infer<typeof PolicyFields>;

/**
 * A policy as it was stored, read with today's schema. Before issue 15 a depot address was one line,
 * "Name, street, postcode city, CC": it is read in parts (depotFromText). One that cannot be read so
 * fails the read with the field named, as any stored policy that no longer passes would: save it again.
 */
export function storedPolicy(stored: unknown): BrandPolicy {
  const depot = (stored as { depotAddress?: unknown } | undefined)?.depotAddress;
  const migrated =
    typeof depot === 'string'
      ? { ...(stored as object), depotAddress: depotFromText(depot) ?? depot }
      : stored;
  return BrandPolicy.parse(migrated);
}

/**
 * Every error of a policy document at once: zod stops before refinements when a field is wrong, so the
 * checks across fields run on their own and both lists are joined.
 */
export function policyIssues(input: unknown): { policy: BrandPolicy } | { issues: Issue[] } {
  const parsed = BrandPolicy.safeParse(input);
  if (parsed.success) return { policy: parsed.data };
  const fieldIssues = parsed.error.issues
    // The depot address's own checks (its postcode) are the field's, not the policy's across fields.
    .filter((issue) => issue.code !== 'custom' || issue.path[0] === 'depotAddress')
    .map((issue) => ({ path: issue.path as (string | number)[], message: issue.message }));
  return { issues: [...fieldIssues, ...crossFieldIssues(input)] };
}

/**
 * Which version of a policy governs a case: what the customer was promised when the case opened
 * (coverage, N, deadlines, the range and its prices, visits) does not shift under an open case; who
 * works on it and what the brand publishes (its people and contacts, its reasons, its name and depot)
 * are read from the current version, for every case.
 */
export const READ_CURRENT = [
  'displayName',
  'escalationLadder',
  'caseDesk',
  'followUpOwner',
  'technicians',
  'reasonCatalogue',
  'depotAddress',
] as const satisfies readonly (keyof BrandPolicy)[];

export function governingPolicy(openedUnder: BrandPolicy, current: BrandPolicy): BrandPolicy {
  const { caseDesk: _desk, ...kept } = openedUnder;
  const read = Object.fromEntries(
    READ_CURRENT.filter((key) => current[key] !== undefined).map((key) => [key, current[key]]),
  );
  return { ...kept, ...read };
}

/** The work queue of a person or a role on the ladder: `Service supervisor` works from `service-supervisor`. */
export const queueOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
