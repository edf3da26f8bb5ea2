import { z } from 'zod';
import { localPost } from '../../functions/adapters/local-carrier.ts';
import { Tenant } from '../../functions/api/http-handler.ts';
import { Role } from '../../functions/api/operations.ts';
import { fieldErrors, problem } from '../../functions/api/problem.ts';
import { CarrierEvent } from '../../functions/domain/schemas.ts';
import { type LocalClock, MAX_ADVANCE_MS, MAX_SCALE, MIN_SCALE } from '../clock.ts';
import { currentDefaultSubject, type DevTokens } from './dev-tokens.ts';
import type { AdminEndpoint, AdminReply } from './server.ts';

/**
 * Whether the development endpoints (/_local/*) are served: on unless FAIRFIX_DEV_ENDPOINTS=off. They
 * mint tokens for any brand and role and move the clock, so a shop running fairfix for real turns them
 * off. Anything but on/off is refused, so that a typo cannot leave them on.
 */
export function devEndpointsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.FAIRFIX_DEV_ENDPOINTS ?? 'on').trim().toLowerCase();
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`FAIRFIX_DEV_ENDPOINTS must be on or off, got "${env.FAIRFIX_DEV_ENDPOINTS}"`);
}

const ClockChange = z
  .strictObject({
    advanceMs: z
      .number('Give a number of milliseconds.')
      .min(0, 'The clock only moves forward: give 0 or more.')
      .max(MAX_ADVANCE_MS, `Move at most 10 years (${MAX_ADVANCE_MS} ms) at once.`)
      .optional(),
    scale: z
      .number('Give a number: virtual milliseconds per real one.')
      .min(MIN_SCALE, `Give a scale of at least ${MIN_SCALE}.`)
      .max(MAX_SCALE, `Give a scale of at most ${MAX_SCALE}.`)
      .optional(),
  })
  .refine((change) => change.advanceMs !== undefined || change.scale !== undefined, {
    message: 'Send advanceMs (milliseconds to move forward) and/or scale (virtual ms per real ms).',
  });

const TokenRequest = z.strictObject({
  tenant: Tenant,
  role: Role,
  sub: z.string('Give the subject as text.').trim().min(1).max(128).optional(),
});

const LocalCarrierEvent = z.strictObject({
  tenant: Tenant,
  trackingNumber: CarrierEvent.shape.trackingNumber,
  status: CarrierEvent.shape.status,
  problem: CarrierEvent.shape.problem,
});

const CarrierOutage = z.strictObject({
  down: z.boolean('Say whether the local carrier’s label service is down: true or false.'),
});

const invalid = (errors: { pointer: string; detail: string }[]): AdminReply => ({
  status: 400,
  body: problem(
    400,
    'validation',
    'Your request has errors',
    `${errors.length} field(s) need attention; nothing was changed.`,
    errors,
  ),
});

/** Parses `body` with `schema`, or answers 400 listing every field error at once. */
function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> | AdminReply {
  const result = schema.safeParse(body, { reportInput: true });
  return result.success ? result.data : invalid(fieldErrors(result.error, '#'));
}

const isReply = (value: unknown): value is AdminReply =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

/**
 * The local cloud's development endpoints, under /_local/: the clock, tokens, the local carrier. Each
 * validates with zod and refuses junk with a problem listing every field error, before changing anything.
 */
export function adminEndpoints(
  clock: LocalClock,
  tokens: DevTokens,
  httpUrl: () => string,
): Record<string, AdminEndpoint> {
  if (!devEndpointsEnabled()) return {};
  const reading = () => ({
    status: 200,
    body: { now: new Date(clock.now()).toISOString(), scale: clock.scale },
  });
  return {
    clock: {
      methods: ['GET', 'POST'],
      handle: async (method, body) => {
        if (method === 'GET') return reading();
        const change = parse(ClockChange, body);
        if (isReply(change)) return change;
        try {
          await clock.adjust(change);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          return invalid([{ pointer: '#/advanceMs', detail: error.message }]);
        }
        return reading();
      },
    },
    tokens: {
      methods: ['POST'],
      handle: async (_method, body) => {
        const request = parse(TokenRequest, body);
        if (isReply(request)) return request;
        const { tenant, role, sub } = request;
        return {
          status: 201,
          body: {
            token: tokens.issue({ tenant, role, sub: sub ?? (await currentDefaultSubject(tenant, role)) }),
          },
        };
      },
    },
    /**
     * The local carrier reports a tracking update, as a real carrier's webhook would: signed in as the
     * brand's carrier, through the public route POST /carrier/events.
     */
    'carrier-events': {
      methods: ['POST'],
      handle: async (_method, body) => {
        const event = parse(LocalCarrierEvent, body);
        if (isReply(event)) return event;
        const { tenant, trackingNumber, status, problem } = event;
        const token = tokens.issue({ tenant, role: 'carrier', sub: 'fairfix-local-post' });
        const response = await fetch(`${httpUrl()}/carrier/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            eventId: `local-post-${trackingNumber}-${status}-${clock.now()}`,
            trackingNumber,
            status,
            occurredAt: new Date(clock.now()).toISOString(),
            location: 'fairfix local post',
            ...(problem ? { problem } : {}),
          }),
        });
        return { status: response.status, body: await response.json() };
      },
    },
    /**
     * Takes the local carrier's label service down, or brings it back: every label asked for meanwhile
     * fails as in a real carrier's outage, so the workflow's retries, then a person, take over (P7).
     */
    'carrier-outage': {
      methods: ['GET', 'POST'],
      handle: async (method, body) => {
        if (method === 'POST') {
          const outage = parse(CarrierOutage, body);
          if (isReply(outage)) return outage;
          localPost.down = outage.down;
        }
        return { status: 200, body: { down: localPost.down } };
      },
    },
  };
}
