import { httpHandler } from '../api/http-handler.ts';
import { openApiDocument } from '../api/openapi.ts';
import { operation } from '../api/operations.ts';

const document = openApiDocument();

export const handler = httpHandler(operation('getOpenApi'), async () => ({ status: 200, body: document }));
