import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BusEvent, LocalEventBus } from '../event-bus.ts';
import type { LocalFunctions } from '../functions.ts';
import { ACCOUNT, REGION, type TemplateModel } from '../template.ts';

type Pattern = { [key: string]: Pattern | readonly unknown[] };

/** A rule of the template: the bus it listens on, what it matches, the functions it hands events to. */
interface LocalRule {
  readonly name: string;
  readonly bus: string;
  readonly pattern: Pattern;
  readonly targets: readonly { functionArn: string; retries: number }[];
}

/** What EventBridge puts on a bus: the PutEvents entry's fields. */
interface PutEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
}

/** An event no target could take, after the function's own retries: what would be in the DLQ on AWS. */
export interface DeadLetter {
  readonly rule: string;
  readonly functionArn: string;
  readonly event: unknown;
  readonly error: string;
  readonly at: string;
}

/** Whether an EventBridge event matches a pattern: each listed field holds one of its listed values. */
export function matches(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, wanted]) => {
    const value = event[key];
    if (Array.isArray(wanted)) return wanted.includes(value as never);
    return (
      typeof value === 'object' &&
      value !== null &&
      matches(wanted as Pattern, value as Record<string, unknown>)
    );
  });
}

/**
 * The template's EventBridge rules on the local bus: each event put on it goes, as EventBridge shapes
 * it, to every matching rule's functions, invoked asynchronously as Lambda does — retried (the
 * function's MaximumRetryAttempts, 2 by default) and then dead-lettered: kept here and in the data
 * directory (`dead-letters.jsonl`), where on AWS the SQS queue and its alarm are.
 */
export class LocalEventRules {
  readonly deadLetters: DeadLetter[] = [];
  private readonly rules: LocalRule[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly file: string | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    model: TemplateModel,
    private readonly functions: LocalFunctions,
    private readonly options: { dataDir?: string; retryDelayMs?: number; now: () => number },
  ) {
    const retries = new Map<string, number>();
    for (const resource of Object.values(model.template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::EventInvokeConfig') continue;
      const props = resource.Properties ?? {};
      retries.set(String(model.resolve(props.FunctionName ?? null)), Number(props.MaximumRetryAttempts ?? 2));
    }
    for (const [logicalId, resource] of Object.entries(model.template.Resources)) {
      if (resource.Type !== 'AWS::Events::Rule') continue;
      const props = resource.Properties ?? {};
      if (props.State === 'DISABLED') continue;
      const targets = ((props.Targets ?? []) as { Arn: never }[]).map((target) => {
        const functionArn = String(model.resolve(target.Arn));
        const name = functionArn.split(':function:')[1] ?? functionArn;
        return { functionArn, retries: retries.get(name) ?? 2 };
      });
      this.rules.push({
        name: logicalId,
        bus: String(model.resolve(props.EventBusName ?? 'default')),
        pattern: (props.EventPattern ?? {}) as Pattern,
        targets: targets.filter((target) => functions.find(target.functionArn)),
      });
    }
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      this.file = path.join(options.dataDir, 'dead-letters.jsonl');
    }
  }

  /** Starts handing the bus's events to the rules' targets. */
  listen(bus: LocalEventBus): void {
    this.unsubscribe = bus.subscribe((event) => this.route(event));
  }

  /** Stops taking events and waits for the deliveries under way. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private route(busEvent: BusEvent): void {
    const entry = busEvent.entry as PutEntry;
    let detail: unknown = {};
    try {
      detail = JSON.parse(entry.Detail ?? '{}');
    } catch {
      return;
    }
    const event = {
      version: '0',
      id: busEvent.id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: ACCOUNT,
      time: busEvent.time.replace(/\.\d{3}Z$/, 'Z'),
      region: REGION,
      resources: entry.Resources ?? [],
      detail,
    };
    const busName = (entry.EventBusName ?? 'default').split('event-bus/').at(-1);
    for (const rule of this.rules) {
      if (rule.bus !== busName || !matches(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        const delivery = this.invoke(rule, target, event).finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  private async invoke(rule: LocalRule, target: LocalRule['targets'][number], event: unknown): Promise<void> {
    let error = '';
    for (let attempt = 0; attempt <= target.retries; attempt++) {
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 100) * attempt));
      try {
        await this.functions.invoke(target.functionArn, event);
        return;
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
    }
    const letter = {
      rule: rule.name,
      functionArn: target.functionArn,
      event,
      error,
      at: new Date(this.options.now()).toISOString(),
    };
    this.deadLetters.push(letter);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(letter)}\n`);
    console.error(
      `An event of rule ${rule.name} was dead-lettered after ${target.retries + 1} tries: ${error}`,
    );
  }
}
