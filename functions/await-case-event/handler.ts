import * as z from 'zod';
import { beginWaitCommand } from '../app/commands/events.ts';
import { deps } from '../shared/deps.ts';
import { stepHandler } from '../shared/step-handler.ts';

const Input = z.object({
  brand: z.string(),
  caseId: z.string(),
  step: z.string(),
  expect: z.array(z.string()).min(1),
  taskToken: z.string().min(1),
  enteredAt: z.string().optional(),
});

/** Registers the step's task token on the case; the workflow resumes when the expected event arrives. */
export const handler = stepHandler(Input, async ({ brand, caseId, step, expect, taskToken, enteredAt }) => {
  await beginWaitCommand({ brand, caseId, wait: { step, expect, token: taskToken, enteredAt } }, deps());
  return { registered: true };
});
