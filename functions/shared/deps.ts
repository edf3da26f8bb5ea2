import { CaseBusNotices } from '../adapters/case-bus.ts';
import { DynamoCaseRepository } from '../adapters/case-repository.ts';
import { clock } from '../adapters/clock.ts';
import { LocalCarrier, LocalWarehouse } from '../adapters/local-carrier.ts';
import { PdfPrinter } from '../adapters/pdf-printer.ts';
import { DynamoPolicyRepository } from '../adapters/policy-repository.ts';
import { StepFunctionsWorkflow } from '../adapters/workflow.ts';
import type { Deps } from '../app/deps.ts';

let adapters: Omit<Deps, 'now'> | undefined;

/** The real adapters, created once per process on first use, and the current time. */
export function deps(): Deps {
  adapters ??= {
    repo: new DynamoCaseRepository(),
    policies: new DynamoPolicyRepository(),
    workflow: new StepFunctionsWorkflow(),
    carrier: new LocalCarrier(),
    warehouse: new LocalWarehouse(),
    printer: new PdfPrinter(),
    notices: new CaseBusNotices(),
  };
  return { ...adapters, now: clock.now() };
}
