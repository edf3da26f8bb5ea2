import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { deleteWebhook } from '../app/webhooks.ts';
import { webhookDeps } from '../shared/webhook-deps.ts';

export const handler = httpHandler(operation('deleteWebhook'), async ({ brand, params }) => {
  await deleteWebhook(brand, params.webhookId, webhookDeps());
  return { status: 200, body: { webhookId: params.webhookId, deleted: true } };
});
