import { clock } from '../adapters/clock.ts';
import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';

export const handler = httpHandler(operation('getHealth'), async () => ({
  status: 200,
  body: { status: 'ok', time: clock.now().toISOString() },
}));
