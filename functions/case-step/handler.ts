import { runCaseStep, StepInput } from '../app/workflow-steps.ts';
import { deps } from '../shared/printing-deps.ts';
import { stepHandler } from '../shared/step-handler.ts';

/** Workflow steps that decide (plan, diagnosis, attempts, replacement) or act (labels, refunds, closing). */
export const handler = stepHandler(StepInput, async (input) => runCaseStep(input, deps()));
