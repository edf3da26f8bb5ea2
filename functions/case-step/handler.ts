import { z } from 'zod';
import { CaseEvent } from '../domain/case.ts';
import { type CaseStepName, caseSteps, runCaseStep } from '../domain/case-commands.ts';
import { deps } from '../shared/deps.ts';
import { stepHandler } from '../shared/step-handler.ts';

const Input = z.object({
  brand: z.string(),
  caseId: z.string(),
  step: z.enum(Object.keys(caseSteps) as [CaseStepName, ...CaseStepName[]]),
  /** The event that resumed the step before this one, when the decision depends on it. */
  event: CaseEvent.optional(),
  /** The waiting step whose deadline passed, for escalateOverdue. */
  overdue: z
    .object({
      step: z.string(),
      what: z.string(),
      enteredAt: z.string(),
      slaKey: z.string(),
    })
    .optional(),
  /** The workflow's SLA map, for the steps that answer a new one (escalations, bookings). */
  sla: z.record(z.string(), z.number()).optional(),
});

/** Workflow steps that decide (plan, diagnosis, attempts, replacement) or act (labels, refunds, closing). */
export const handler = stepHandler(Input, async (input) => runCaseStep(input, deps()));
