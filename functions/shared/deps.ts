import { DynamoCaseRepository } from '../adapters/case-repository.ts';
import { clock } from '../adapters/clock.ts';
import { StepFunctionsWorkflow } from '../adapters/workflow.ts';
import type { Deps } from '../domain/case-commands.ts';

let repo: DynamoCaseRepository | undefined;
let workflow: StepFunctionsWorkflow | undefined;

/** The real adapters, created once per process on first use, and the current time. */
export function deps(): Deps {
  repo ??= new DynamoCaseRepository();
  workflow ??= new StepFunctionsWorkflow();
  return { repo, workflow, now: clock.now() };
}
