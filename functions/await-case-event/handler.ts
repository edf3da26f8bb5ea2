import * as z from 'zod';
import { beginWaitCommand } from '../app/commands/events.ts';
import { WaitInput } from '../app/waiting.ts';
import { deps } from '../shared/deps.ts';
import { stepHandler } from '../shared/step-handler.ts';

const Input = WaitInput.omit({ token: true }).extend({
  brand: z.string(),
  caseId: z.string(),
  taskToken: z.string().min(1),
});

/** Registers the step's task token on the case; the workflow resumes when the expected event arrives. */
export const handler = stepHandler(Input, async (input) => {
  const { brand, caseId, taskToken, ...wait } = input;
  await beginWaitCommand({ brand, caseId, wait: { ...wait, token: taskToken } }, deps());
  return { registered: true };
});
