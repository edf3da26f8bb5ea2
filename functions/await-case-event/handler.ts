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
  /** The execution that waits: a case's executions (a complaint's, say) each hold a wait of their own. */
  execution: z.string().optional(),
});

/** Registers the step's task token on the case; the workflow resumes when the expected event arrives. */
export const handler = stepHandler(Input, async (input) => {
  const { brand, caseId, step, expect, taskToken, enteredAt, execution } = input;
  const wait = { step, expect, token: taskToken, enteredAt, execution };
  await beginWaitCommand({ brand, caseId, wait }, deps());
  return { registered: true };
});
