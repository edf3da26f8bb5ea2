import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { z } from 'zod';
import { logger } from './powertools.ts';

/**
 * The edge of a function the workflow invokes: its input is our own state machine's output, so a
 * mismatch is a bug worth failing loudly on (the workflow's Retry/Catch decide what happens next).
 */
export function stepHandler<S extends z.ZodType, R>(input: S, handle: (input: z.infer<S>) => Promise<R>) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => handle(input.parse(event)));
}
