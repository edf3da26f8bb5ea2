import { createHash, randomBytes } from 'node:crypto';

/** Ids the application derives: stable where a retry must find the same thing, random where nothing repeats. */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A case id: derived from the caller's idempotency key when there is one, so their retry finds the same
 * case. The key is the caller's own (brand + `role:subject`): another caller's same key is another case.
 */
export function caseIdFor(brand: string, caller: string, idempotencyKey?: string): string {
  const bytes = idempotencyKey
    ? createHash('sha256').update(`${brand}\n${caller}\n${idempotencyKey}`).digest()
    : randomBytes(12);
  return `RMA-${[...bytes.subarray(0, 12)].map((byte) => ALPHABET[byte % 32]).join('')}`;
}

/**
 * The serial of a product the brand sells without one: derived like the case id, so a retry of the same
 * request (with its Idempotency-Key) is the same request; each new case's product is a device of its own.
 */
export const unserializedSerialFor = (brand: string, caller: string, idempotencyKey?: string) =>
  `NOSERIAL-${caseIdFor(brand, caller, idempotencyKey).slice(4)}`;

/**
 * The execution that carries a complaint about a closed case: named by the case and the complaint, so
 * a retried request starts it once (execution names allow letters, digits, - and _).
 */
export function complaintExecutionName(caseId: string, complaintId: string): string {
  return `${caseId}-complaint-${createHash('sha256').update(complaintId).digest('hex').slice(0, 12)}`;
}

/** A certificate of destruction is named by the item it certifies: a repeated report prints none anew. */
export function certificateIdFor(itemId: string): string {
  return `certificate-${createHash('sha256').update(itemId).digest('hex').slice(0, 16)}`;
}

/** Where a reviewer's sample starts in the brand's hash order: anywhere, each time. */
export const randomSampleStart = () => randomBytes(8).toString('hex');

/**
 * What a request said, as a short fingerprint: the same JSON in any key order gives the same one. An
 * event id sent again with another fingerprint is another event under a reused id.
 */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(canonical(request)).digest('hex').slice(0, 32);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
