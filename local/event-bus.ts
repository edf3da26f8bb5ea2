import { randomUUID } from 'node:crypto';

export interface BusEvent {
  id: string;
  time: string;
  entry: unknown;
}

/**
 * The local EventBridge bus: hands each event to its subscribers (the rules), and keeps the latest ones,
 * in order, for tests to read; a cloud that runs for months must not grow with its events.
 */
export class LocalEventBus {
  readonly events: BusEvent[] = [];
  private readonly listeners = new Set<(event: BusEvent) => void>();

  constructor(
    private readonly now: () => number,
    private readonly kept = 1_000,
  ) {}

  async put(entries: unknown[]): Promise<string[]> {
    return entries.map((entry) => {
      const event = { id: randomUUID(), time: new Date(this.now()).toISOString(), entry };
      this.events.push(event);
      if (this.events.length > this.kept) this.events.shift();
      for (const listener of this.listeners) listener(event);
      return event.id;
    });
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
