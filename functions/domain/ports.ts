import type { ShippableAddress } from './address.ts';
import type { Case, Visit } from './case.ts';
import type { BrandPolicy } from './policy.ts';
import type { DeviceCase } from './repairs.ts';
import type { StoredWebhook, WebhookMessage } from './webhooks.ts';

/**
 * The ports the application drives: the case store, the workflow, the carrier, the warehouse and the
 * document printer. Adapters (functions/adapters) implement them; the domain never imports one.
 */

/** A document kept with a case (a shipping label, a certificate): bytes and how to show them. */
export interface CaseDocument {
  readonly documentId: string;
  readonly title: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

/** A device's record as its cases tell it, and where it came from when it replaced another. */
export interface DeviceHistory {
  readonly serial: string;
  readonly cases: readonly (DeviceCase & {
    readonly device: Case['device'];
    readonly customerSubject?: string;
    readonly visits?: readonly (Pick<Visit, 'status' | 'outcome' | 'redoOf' | 'signOff'> & {
      readonly technician: { readonly id: string };
    })[];
  })[];
  readonly replacementOf?: {
    readonly serial: string;
    readonly caseId: string;
    readonly warrantyUntil: string;
  };
}

/** The case store as the domain sees it. */
export interface CaseRepository {
  /**
   * The case's current state, with its recent inbox keys and those of `seen` it has taken; its journals
   * (timeline, notifications) hold only what a change appends, and are read with `journal`.
   */
  get(brand: string, caseId: string, seen?: readonly string[]): Promise<Case | undefined>;
  /** A page of a case's timeline or notifications, oldest first, ending before `before` (default: the end). */
  journal(
    brand: string,
    caseId: string,
    journal: 'timeline' | 'notifications',
    page: { before?: number; limit: number },
    /** As the case was read (its `stored`): the entries of that version, not of a change since. */
    as?: Case['stored'],
  ): Promise<{ entries: unknown[]; total: number; before?: number } | undefined>;
  /** The latest page of notices and a page of the timeline, as the case was read, in as few reads as may be. */
  journals(
    brand: string,
    caseId: string,
    pages: { timeline: { before?: number; limit: number }; notifications: { limit: number } },
    as: NonNullable<Case['stored']>,
  ): Promise<Record<'timeline' | 'notifications', { entries: unknown[]; total: number; before?: number }>>;
  /** Stores a new case; false when a case with that id already exists (an idempotent replay). */
  create(kase: Case): Promise<boolean>;
  /** Replaces the case if nobody changed it since `expectedVersion`; returns it with the next version. */
  save(kase: Case, expectedVersion: number): Promise<Case>;
  /** A device's cases, oldest first; `inHand`, a case of the device just read, is taken as it is, not read again. */
  deviceHistory(brand: string, serial: string, inHand?: Case): Promise<DeviceHistory>;
  /** Open cases in a work queue, earliest next deadline first. */
  queue(brand: string, queue: string, limit: number): Promise<Case[]>;
  /** Cases escalated to, or followed up by, one owner (a ladder role or a person), earliest due first. */
  ownerQueue(brand: string, owner: string, limit: number): Promise<Case[]>;
  /** Up to `size` of the brand's cases, from a random point `from` (hex) of a fixed pseudo-random order. */
  sample(brand: string, size: number, from: string): Promise<Case[]>;
  /**
   * The brand's cases opened within [from, to] (ISO-8601 instants), up to `limit` of them in the same
   * fixed order, after the case `after` (the last page's last); `after` in the answer is where the
   * next page starts, absent at the end. A page may hold fewer than `limit` and still have a next.
   */
  casesOpened(
    brand: string,
    period: { from: string; to: string },
    page: { limit: number; after?: string },
  ): Promise<{ cases: Case[]; after?: string }>;
  putDocument(brand: string, caseId: string, document: CaseDocument): Promise<void>;
  listDocuments(brand: string, caseId: string): Promise<CaseDocument[]>;
  getDocument(brand: string, caseId: string, documentId: string): Promise<CaseDocument | undefined>;
  /** What a signed-in customer last gave of themselves (P3), and keeping it for their next case. */
  customerOnFile(brand: string, subject: string): Promise<Case['customer'] | undefined>;
  /** `caseId`: the case they gave it on, kept with it so that the record says where it came from. */
  keepCustomerOnFile(
    brand: string,
    subject: string,
    customer: Case['customer'],
    at: string,
    caseId: string,
  ): Promise<void>;
  /** A customer's cases (by email, any case), newest first; `before` names the next page when there is one. */
  customerCases(
    brand: string,
    email: string,
    page: { before?: string; limit: number },
  ): Promise<{ cases: Case[]; before?: string }>;
  /**
   * The brand's cases newest first, opened at or after `from` and before `to` and older than the cursor
   * `before` (each an `<openedAt>#<caseId>` bound); `before` names the next page when there is one.
   */
  brandCases(
    brand: string,
    page: { before?: string; from?: string; to?: string; limit: number },
  ): Promise<{ cases: Case[]; before?: string }>;
  /** Remembers which case a tracking number belongs to, for carrier webhooks. */
  linkTracking(brand: string, trackingNumber: string, caseId: string): Promise<void>;
  caseOfTracking(brand: string, trackingNumber: string): Promise<string | undefined>;
  /** Links a replacement's serial to the device it replaces, so its history starts with that. */
  linkReplacement(
    brand: string,
    serial: string,
    link: { serial: string; caseId: string; warrantyUntil: string; at: string },
  ): Promise<void>;
}

/** The case workflow as the domain sees it. */
export interface Workflow {
  /**
   * Starts the execution named `name` (a case's own is named by its case id; a complaint about a closed
   * case gets one of its own); starting it again with the same input is a no-op.
   */
  start(name: string, input: object): Promise<void>;
  /** Resumes the step waiting on `token`; false when that wait is over (timed out, stopped). */
  resume(token: string, output: object): Promise<boolean>;
}

/** A parcel to move, as the real label APIs take it (EasyPost, Shippo, carriers' own). */
export interface ShipmentRequest {
  /** Ours, stable across retries: the same request gives the same shipment. */
  readonly reference: string;
  /** The case's RMA number, printed on the label so that the depot matches the parcel unopened. */
  readonly rma: string;
  /** Both in parts, with a postcode and a country: nothing is shipped to less (address.ts). */
  readonly from: ShipmentAddress;
  readonly to: ShipmentAddress;
  readonly service: 'ground' | 'express';
  readonly box: boolean;
  readonly returnLabel: boolean;
  /** What the parcel must contain besides the device: the customer's removed parts. */
  readonly packingList?: readonly string[];
  readonly parcel: Parcel;
  /** The brand's choice of carrier (its policy): the carrier account, or the built-in local post. */
  readonly carrier?: 'account' | 'local-post';
}

/** An address on a label: who, and where in parts, as a carrier's API takes it. */
export type ShipmentAddress = ShippableAddress & { readonly name: string };

/** A parcel's size and weight, as carriers rate it. */
export interface Parcel {
  readonly weightGrams: number;
  readonly lengthCm: number;
  readonly widthCm: number;
  readonly heightCm: number;
}

export interface IssuedShipment {
  readonly carrier: string;
  readonly trackingNumber: string;
  /** A 4x6 inch PDF label. */
  readonly labelPdf: Uint8Array;
}

export interface Carrier {
  createShipment(request: ShipmentRequest): Promise<IssuedShipment>;
}

/** Where replacement units come from: allocates one unit of a model and answers its serial. */
export interface Warehouse {
  allocate(reference: string, model: string): Promise<string>;
}

/**
 * What a certificate of destruction states: the part, how and to which standard, when, by whom, on whose
 * choice. People by name, times as the brand's local time in words.
 */
export interface DestructionCertificate {
  /** RMA-…-D1 for the case's first destruction. */
  readonly number: string;
  readonly brand: string;
  readonly caseId: string;
  readonly part: string;
  readonly serial: string;
  readonly method: string;
  readonly standard: string;
  readonly destroyedAt: string;
  readonly destroyedBy: string;
  readonly chosenAt: string;
  readonly chosenBy: string;
}

/** Renders the case's documents other than labels. */
export interface Printer {
  destructionCertificate(certificate: DestructionCertificate): Promise<Uint8Array>;
}

/** One saved version of a brand's policy: what it says, who saved it and when. */
export interface PolicyVersion {
  readonly version: number;
  readonly savedBy: string;
  readonly savedAt: string;
  readonly policy: BrandPolicy;
}

/**
 * A brand's policies, one immutable item per version; the newest is the current one. Saving version
 * N+1 succeeds for one writer only: two editors who both read N cannot both make N+1.
 */
export interface PolicyStore {
  /**
   * The newest version, as this process last read it within a short while; `fresh` reads the store
   * itself (an admin reading to edit, a save checking If-Match against what another instance saved).
   */
  current(brand: string, options?: { fresh?: boolean }): Promise<PolicyVersion | undefined>;
  version(brand: string, version: number): Promise<PolicyVersion | undefined>;
  /** The newest versions, newest first. */
  versions(brand: string, limit: number): Promise<PolicyVersion[]>;
  /** Saves `version`; throws {@link PreconditionFailedError} when that version already exists. */
  save(saved: PolicyVersion): Promise<void>;
}

/** Announces notices a saved change queued, so that the notifier delivers them (the case bus on AWS). */
export interface NoticePublisher {
  queued(brand: string, caseId: string, noticeIds: readonly string[]): Promise<void>;
}

/** A message as it leaves: an email's subject, text and HTML; an SMS's text alone. */
export interface OutgoingMessage {
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly sms: string;
  /** What the provider keeps beside the message (tags, attributes), e.g. the case it concerns. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Sends one message on its channel (SES v2 for email, SNS for SMS); answers the provider's message id. */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<string>;
}

/** A brand's registered webhooks. */
export interface WebhookStore {
  put(hook: StoredWebhook): Promise<void>;
  list(brand: string): Promise<StoredWebhook[]>;
  /** False when there was no such webhook. */
  remove(brand: string, webhookId: string): Promise<boolean>;
}

/** POSTs one signed message to one webhook; answers the receiver's status (0: it could not be reached). */
export interface WebhookPoster {
  post(hook: StoredWebhook, message: WebhookMessage): Promise<{ status: number; error?: string }>;
}
