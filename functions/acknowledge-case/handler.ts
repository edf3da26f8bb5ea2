import { z } from 'zod';
import { acknowledgeCaseCommand } from '../domain/case-commands.ts';
import { deps } from '../shared/deps.ts';
import { stepHandler } from '../shared/step-handler.ts';

const Input = z.object({ brand: z.string(), caseId: z.string() });

/** Tells the customer the case is open, its next step with the deadline, and who to escalate to. */
export const handler = stepHandler(Input, async ({ brand, caseId }) => {
  const kase = await acknowledgeCaseCommand({ brand, caseId }, deps());
  return { acknowledgedAt: kase.timeline.find((entry) => entry.type === 'customer-notified')?.at };
});
