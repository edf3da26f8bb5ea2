import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { testWebhook } from '../app/webhooks.ts';
import { webhookDeps } from '../shared/webhook-deps.ts';

export const handler = httpHandler(operation('testWebhook'), async ({ brand, params }) => ({
  status: 200,
  body: await testWebhook(brand, params.webhookId, webhookDeps()),
}));
