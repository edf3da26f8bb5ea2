import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { createWebhook } from '../app/webhooks.ts';
import { webhookDeps } from '../shared/webhook-deps.ts';

export const handler = httpHandler(operation('createWebhook'), async ({ brand, body }) => ({
  status: 201,
  body: await createWebhook(brand, body, webhookDeps()),
}));
