import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../lib/project.ts';
import type { LocalFunction, TemplateModel } from './template.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** A function's error as Lambda reports it: Step Functions matches Retry/Catch on its errorType. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
  }
}

/**
 * The template's Lambda functions, run in this process from their source entries (the template
 * records each one), with the environment the template gives them.
 */
export class LocalFunctions {
  private readonly byName = new Map<string, LocalFunction>();
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(model: TemplateModel) {
    for (const fn of model.functions) this.byName.set(fn.logicalId, fn);
  }

  /**
   * The variables the functions need, merged: they share this process. A name two functions set
   * differently cannot be shared, and is refused rather than silently picked.
   */
  environment(): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const fn of this.byName.values()) {
      for (const [key, value] of Object.entries(fn.environment)) {
        if (key in merged && merged[key] !== value) {
          throw new Error(
            `Functions disagree on ${key} (${merged[key]} vs ${value}); the local cloud runs them in one process`,
          );
        }
        merged[key] = value;
      }
    }
    return merged;
  }

  /** A function by name, ARN or qualified ARN, as Step Functions and API Gateway name them. */
  find(nameOrArn: string): LocalFunction | undefined {
    const name = nameOrArn.includes(':function:')
      ? (nameOrArn.split(':function:')[1] ?? '').split(':')[0]
      : nameOrArn;
    return this.byName.get(name ?? '');
  }

  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const fn = this.find(nameOrArn);
    if (!fn) throw new FunctionError('Lambda.ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    const handler = await this.handler(fn);
    const deadline = Date.now() + 30_000;
    const context = {
      functionName: fn.logicalId,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${fn.logicalId}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      return await handler(structuredClone(event), context);
    } catch (error) {
      const err = error as Error;
      throw new FunctionError(err.name || 'Error', err.message);
    }
  }

  private handler(fn: LocalFunction): Promise<Handler> {
    let loading = this.loaded.get(fn.logicalId);
    if (!loading) {
      loading = import(pathToFileURL(path.join(PROJECT_ROOT, fn.entry)).href).then((module) => {
        if (typeof module.handler !== 'function') throw new Error(`${fn.entry} exports no handler`);
        return module.handler as Handler;
      });
      this.loaded.set(fn.logicalId, loading);
    }
    return loading;
  }
}
