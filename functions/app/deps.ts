import type { CampaignStore } from '../domain/campaigns.ts';
import type { FleetReports, KnownIssueStore } from '../domain/known-issues.ts';
import type {
  Carrier,
  CaseRepository,
  NoticePublisher,
  PolicyStore,
  Printer,
  Warehouse,
  Workflow,
} from '../domain/ports.ts';

/** The ports and the moment a command runs at; handlers pass the real adapters. */
export interface Deps {
  readonly repo: CaseRepository;
  /** Brands' policies, read through a short-lived cache. */
  readonly policies: PolicyStore;
  readonly workflow: Workflow;
  readonly carrier: Carrier;
  readonly warehouse: Warehouse;
  readonly printer: Printer;
  /** Where saved notices are announced for delivery; without it they stay queued on the case. */
  readonly notices?: NoticePublisher;
  /** Known issues and the counts that raise them; only the functions that detect or decide need it. */
  readonly knownIssues?: KnownIssueStore;
  /** Where the workflow's steps announce a case's reports, for detection to count (the case bus). */
  readonly fleetReports?: FleetReports;
  /** Service campaigns: only the functions that create or read them need it. */
  readonly campaigns?: CampaignStore;
  readonly now: Date;
}
