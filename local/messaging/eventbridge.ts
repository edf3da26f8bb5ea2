import type { Server } from 'node:http';
import type { LocalEventBus } from '../event-bus.ts';
import type { TemplateModel } from '../template.ts';
import { startAwsServer, type WireReply } from './aws-server.ts';

const error = (status: number, type: string, message: string): WireReply => ({
  status,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: type, message }),
});

interface PutEntry {
  EventBusName?: unknown;
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
}

/** The event buses of the template, by name, and `default`. */
export function busNames(model: TemplateModel): Set<string> {
  const names = new Set(['default']);
  for (const [logicalId, resource] of Object.entries(model.template.Resources))
    if (resource.Type === 'AWS::Events::EventBus') names.add(model.physicalName(logicalId));
  return names;
}

/**
 * The local EventBridge: PutEvents (JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), as
 * @aws-sdk/client-eventbridge sends it, onto the same local bus the workflow's putEvents tasks use.
 * Each entry succeeds or fails on its own, as on AWS (FailedEntryCount).
 */
export function startEventBridge(bus: LocalEventBus, model: TemplateModel, port: number): Promise<Server> {
  const buses = busNames(model);
  return startAwsServer(
    port,
    'FAIRFIX_EVENTBRIDGE_PORT',
    async ({ headers, body }) => {
      if (headers['x-amz-target'] !== 'AWSEvents.PutEvents')
        return error(400, 'UnknownOperationException', `The local EventBridge serves PutEvents only`);
      let entries: PutEntry[];
      try {
        entries = (JSON.parse(body) as { Entries?: PutEntry[] }).Entries ?? [];
      } catch {
        return error(400, 'SerializationException', 'The body is not JSON');
      }
      if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10)
        return error(400, 'ValidationException', 'Entries: between 1 and 10 entries');
      const results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] = [];
      for (const entry of entries) {
        const busName =
          String(entry.EventBusName ?? 'default')
            .split('event-bus/')
            .at(-1) ?? '';
        const invalid =
          typeof entry.Source !== 'string' ||
          typeof entry.DetailType !== 'string' ||
          typeof entry.Detail !== 'string'
            ? 'Source, DetailType and Detail are required'
            : !isJsonObject(entry.Detail)
              ? 'Detail is malformed'
              : !buses.has(busName)
                ? `Event bus ${busName} does not exist`
                : undefined;
        if (invalid) {
          results.push({ ErrorCode: 'InvalidArgument', ErrorMessage: invalid });
          continue;
        }
        const [eventId] = await bus.put([{ ...entry, EventBusName: busName }]);
        results.push({ EventId: eventId ?? '' });
      }
      return {
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify({
          FailedEntryCount: results.filter((result) => result.ErrorCode).length,
          Entries: results,
        }),
      };
    },
    () => error(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
  );
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
