import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { recordCaseEventCommand } from '../app/commands/events.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('answerSurvey'), async ({ brand, actor, params, body }) => {
  const context = deps();
  const event = {
    type: 'survey-answered' as const,
    eventId: body.answerId,
    occurredAt: context.now.toISOString(),
    met: body.met,
    ...(body.comment ? { comment: body.comment } : {}),
  };
  const { outcome } = await recordCaseEventCommand(
    { brand, caseId: params.caseId, actor, event, request: body },
    context,
  );
  return { status: 202, body: { caseId: params.caseId, eventId: body.answerId, outcome } };
});
