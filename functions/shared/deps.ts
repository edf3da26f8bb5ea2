import { DynamoCampaignStore } from '../adapters/campaign-store.ts';
import { CaseBusNotices, CaseBusReports } from '../adapters/case-bus.ts';
import { DynamoCaseRepository } from '../adapters/case-repository.ts';
import { clock } from '../adapters/clock.ts';
import { DynamoKnownIssueStore } from '../adapters/known-issue-store.ts';
import { LocalWarehouse } from '../adapters/local-warehouse.ts';
import { DynamoPolicyRepository } from '../adapters/policy-repository.ts';
import { StepFunctionsWorkflow } from '../adapters/workflow.ts';
import type { Deps } from '../app/deps.ts';

/** The adapters that print: shipping labels (the carrier) and certificates (the printer). */
export type PrintingAdapters = Pick<Deps, 'carrier' | 'printer'>;

/**
 * Stands in for the printing adapters in a function that does not print. pdfkit, fontkit, brotli and
 * bwip-js are ≈ 1 MB of every bundle and ≈ 140 ms of its cold import, so only the functions that print
 * load them (functions/shared/printing-deps.ts, and `printsPdf` on their construct). Reaching one here
 * is a wiring mistake, told as such on AWS and locally alike.
 */
const notPrinting = (what: string) => async (): Promise<never> => {
  throw new Error(
    `This function does not print, yet asked for ${what}: take deps from functions/shared/printing-deps.ts and mark the function printsPdf`,
  );
};
const NOT_PRINTING: PrintingAdapters = {
  carrier: { createShipment: notPrinting('a shipping label') },
  printer: { destructionCertificate: notPrinting('a certificate') },
};

let adapters: Omit<Deps, 'now'> | undefined;

/** The real adapters, created once per process on first use, and the current time. */
export function deps(printing: PrintingAdapters = NOT_PRINTING): Deps {
  adapters ??= {
    repo: new DynamoCaseRepository(),
    policies: new DynamoPolicyRepository(),
    workflow: new StepFunctionsWorkflow(),
    warehouse: new LocalWarehouse(),
    notices: new CaseBusNotices(),
    knownIssues: new DynamoKnownIssueStore(),
    fleetReports: new CaseBusReports(),
    campaigns: new DynamoCampaignStore(),
    ...printing,
  };
  return { ...adapters, ...printing, now: clock.now() };
}
