import { randomUUID } from 'node:crypto';

export interface BusEvent {
  id: string;
  time: string;
  entry: unknown;
}

/** The local EventBridge bus: keeps what was put on it, in order, for subscribers and tests to read. */
export class LocalEventBus {
  readonly events: BusEvent[] = [];
  private readonly listeners = new Set<(event: BusEvent) => void>();

  constructor(private readonly now: () => number) {}

  async put(entries: unknown[]): Promise<string[]> {
    return entries.map((entry) => {
      const event = { id: randomUUID(), time: new Date(this.now()).toISOString(), entry };
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
      return event.id;
    });
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
