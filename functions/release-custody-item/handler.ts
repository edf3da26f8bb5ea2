import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { releaseCustodyCommand } from '../app/commands/custody.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('releaseCustodyItem'),
  async ({ brand, actor, params, body }) => {
    const kase = await releaseCustodyCommand({ brand, caseId: params.caseId, actor, release: body }, deps());
    const item = kase.custody.find((candidate) => candidate.itemId === body.itemId);
    // The command found the item, or this replays a releaseId whose release found it.
    return { status: 201, body: { caseId: kase.caseId, item: item as NonNullable<typeof item> } };
  },
);
