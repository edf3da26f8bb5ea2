import type { LocalCloud } from '../../local/cloud.ts';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small client of the HTTP API as a user sees it: a brand, a role, JSON in and out. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: () => string,
  ) {}

  /** Signed in as a role on a brand; a fresh token per request, as the clock may jump past expiry. */
  static as(cloud: LocalCloud, tenant: string, role: string, sub = `${role}@${tenant}.example`): ApiClient {
    return new ApiClient(cloud.urls.http, () => cloud.tokens.issue({ tenant, role, sub }));
  }

  static withToken(baseUrl: string, token?: string): ApiClient {
    return new ApiClient(baseUrl, token === undefined ? undefined : () => token);
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token()}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    // NDJSON (a review export): one document per line, answered as their list.
    const ndjson = response.headers.get('content-type')?.includes('ndjson');
    // CSV (a campaign's progress): the text as it is, for the test to read.
    const csv = response.headers.get('content-type')?.startsWith('text/csv');
    const parsed = csv
      ? text
      : ndjson
        ? text
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line))
        : text
          ? JSON.parse(text)
          : undefined;
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
}

let sequence = 0;
/** A unique id for this run: serials, event ids. */
export const nextId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

/** A valid case opening; any part can be overridden (`serial`, `model`, `purchaseDate`, or top-level fields). */
export function opening(
  overrides: { serial?: string; model?: string; purchaseDate?: string; [key: string]: unknown } = {},
) {
  const { serial, model, purchaseDate, ...rest } = overrides;
  return {
    customer: {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      preferredChannel: 'email',
      address: { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' },
    },
    device: {
      serial: serial ?? nextId('SN'),
      model: model ?? 'Cam 3',
      purchaseDate: purchaseDate ?? '2026-03-01',
      firmware: '3.1.0',
    },
    problem: {
      description: 'Stopped powering on after the 3.1 update',
      category: 'does-not-power-on',
      symptoms: ['no LED'],
    },
    ...rest,
  };
}
