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
  readonly now: Date;
}
