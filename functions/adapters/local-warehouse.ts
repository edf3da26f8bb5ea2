import { createHash } from 'node:crypto';
import type { Warehouse } from '../domain/ports.ts';

/** Allocates replacement units with serials derived from the order reference (so a retry gets the same unit). */
export class LocalWarehouse implements Warehouse {
  async allocate(reference: string, model: string): Promise<string> {
    const suffix = createHash('sha256')
      .update(`${reference}\n${model}`)
      .digest('hex')
      .slice(0, 10)
      .toUpperCase();
    return `R-${model.replace(/\W+/g, '').toUpperCase()}-${suffix}`;
  }
}
