import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { listWebhooks } from '../app/webhooks.ts';
import { webhookDeps } from '../shared/webhook-deps.ts';

export const handler = httpHandler(operation('listWebhooks'), async ({ brand }) => ({
  status: 200,
  body: { items: await listWebhooks(brand, webhookDeps()) },
}));
