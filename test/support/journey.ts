import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import type { Case } from '../../functions/domain/case.ts';
import type { LocalCloud } from '../../local/cloud.ts';
import { LOCAL_CREDENTIALS } from '../../local/dynamo.ts';
import { REGION } from '../../local/template.ts';
import { ApiClient, nextId } from './api.ts';

export { opening } from './api.ts';

import { eventually } from './cloud.ts';

export type CaseView = Omit<Case, 'waiting' | 'otherWaits' | 'seenEventIds'> & {
  waitingFor?: { step: string; since: string };
  /** The events the case takes now. */
  takes: string[];
};

/** Drives cases the way their parties do: the customer, the depot and the carrier, each through the API. */
export class Journey {
  readonly customer: ApiClient;
  readonly depot: ApiClient;
  readonly carrier: ApiClient;
  private readonly sfn: SFNClient;

  constructor(
    private readonly cloud: LocalCloud,
    readonly brand = 'acme',
    /** The customer's sign-in subject: another one is a customer with nothing on file. */
    customerSubject?: string,
  ) {
    this.customer = ApiClient.as(cloud, brand, 'customer', customerSubject);
    this.depot = ApiClient.as(cloud, brand, 'depot');
    this.carrier = ApiClient.as(cloud, brand, 'carrier');
    this.sfn = new SFNClient({
      endpoint: cloud.urls.stepFunctions,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
    });
  }

  async open(opening: object, headers?: Record<string, string>): Promise<string> {
    const response = await this.customer.post('/cases', opening, headers);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.caseId as string;
  }

  async get(caseId: string): Promise<CaseView> {
    const response = await this.customer.get<CaseView>(`/cases/${caseId}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  /** Until the named step has handed its token to the case: an event now resumes it directly. */
  waitsFor(caseId: string, step: string): Promise<CaseView> {
    return eventually(
      async () => {
        const kase = await this.get(caseId);
        return kase.waitingFor?.step === step ? kase : undefined;
      },
      15_000,
      `${caseId} to wait in "${step}"`,
    );
  }

  /**
   * Waiting in `step` with every notice sent. A step registers its wait in the save that queues its
   * notice (issue 13), and the notifier records the notice's delivery on the case afterwards, a write of
   * its own: a test that reads the stored case twice waits for it first.
   */
  settled(caseId: string, step: string): Promise<CaseView> {
    return this.until(caseId, `waiting in "${step}", every notice sent`, (k) => {
      const { deliveries } = k as unknown as { deliveries: Record<string, { state: string }> };
      return (
        k.waitingFor?.step === step &&
        k.notifications.every((notice) => !notice.id || deliveries[notice.id]?.state === 'sent')
      );
    });
  }

  until(caseId: string, what: string, test: (kase: CaseView) => boolean): Promise<CaseView> {
    let seen: CaseView | undefined;
    return eventually(
      async () => {
        seen = await this.get(caseId);
        return test(seen) ? seen : undefined;
      },
      15_000,
      `${caseId}: ${what}`,
    ).catch((error: Error) => {
      // A timeout says where the case stood, so a failure seen once under load can be read afterwards.
      const where = seen && {
        status: seen.status,
        waitingFor: seen.waitingFor,
        timeline: seen.timeline?.slice(-4),
      };
      throw new Error(`${error.message}; the case last stood: ${JSON.stringify(where)}`);
    });
  }

  /** Closed, and the workflow asks the customer whether their needs were met (P10). */
  async closed(caseId: string): Promise<CaseView> {
    const kase = await this.until(
      caseId,
      'closed and waiting for the survey',
      (k) => k.status === 'closed' && k.waitingFor?.step === 'Wait for survey answer',
    );
    expect((await this.execution(caseId)).status).toBe('RUNNING');
    return kase;
  }

  /** The execution ended; it must have succeeded. */
  async finished(caseId: string) {
    const execution = await eventually(async () => {
      const found = await this.execution(caseId);
      return found.status === 'RUNNING' ? undefined : found;
    });
    expect(execution.status).toBe('SUCCEEDED');
    return this.get(caseId);
  }

  /** An execution of the case workflow, by name: a case's own is named by its case id. */
  execution(name: string) {
    const machine = this.cloud.model.stateMachines[0]?.arn as string;
    const executionArn = `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
    return this.sfn.send(new DescribeExecutionCommand({ executionArn }));
  }

  async survey(caseId: string, met: boolean, comment?: string) {
    return this.customer.post(`/cases/${caseId}/survey`, {
      answerId: nextId('survey'),
      met,
      ...(comment ? { comment } : {}),
    });
  }

  async depotEvent(caseId: string, event: Record<string, unknown>) {
    const eventId = (event.eventId as string | undefined) ?? nextId('depot');
    return this.depot.post(`/cases/${caseId}/events`, {
      eventId,
      occurredAt: this.sentAt(eventId),
      ...event,
    });
  }

  async carrierEvent(trackingNumber: string, status: string, eventId = nextId('carrier')) {
    return this.carrier.post('/carrier/events', {
      eventId,
      trackingNumber,
      status,
      occurredAt: this.sentAt(eventId),
    });
  }

  /**
   * When an event happened, on the cloud's clock (a sender's clock agrees with ours within minutes):
   * fixed at its first sending, so sending it again is a faithful retry.
   */
  private sentAt(eventId: string): string {
    const at = this.occurred.get(eventId) ?? new Date(this.cloud.clock.now()).toISOString();
    this.occurred.set(eventId, at);
    return at;
  }

  private readonly occurred = new Map<string, string>();

  async answer(caseId: string, approved: boolean) {
    return this.customer.post(`/cases/${caseId}/approvals`, { answerId: nextId('answer'), approved });
  }

  tracking(kase: CaseView, direction: 'to-depot' | 'to-customer'): string {
    const shipment = kase.shipments.find((candidate) => candidate.direction === direction);
    expect(shipment, `a ${direction} shipment`).toBeDefined();
    return shipment?.trackingNumber as string;
  }

  /** The device arrives, is diagnosed as given, repaired once as given: what every repair goes through. */
  async toDepot(caseId: string) {
    const waiting = await this.waitsFor(caseId, 'Wait for device at depot');
    expect((await this.carrierEvent(this.tracking(waiting, 'to-depot'), 'delivered')).body.outcome).toBe(
      'applied',
    );
    return this.waitsFor(caseId, 'Wait for depot diagnosis');
  }

  /** At the depot: a covered manufacturing defect, diagnosed and fixed at the first attempt. */
  async coveredRepair(caseId: string, faultCode = 'PWR-01') {
    await this.depotEvent(caseId, {
      type: 'diagnosed',
      faultCode,
      cause: 'manufacturing-defect',
      covered: true,
    });
    await this.waitsFor(caseId, 'Wait for repair attempt');
    await this.depotEvent(caseId, { type: 'repair-attempted', result: 'fixed', faultCode });
  }

  async deliverToCustomer(caseId: string) {
    const shipping = await this.waitsFor(caseId, 'Wait for delivery to customer');
    expect((await this.carrierEvent(this.tracking(shipping, 'to-customer'), 'delivered')).body.outcome).toBe(
      'applied',
    );
    return this.closed(caseId);
  }
}

export const isoDaysAgo = (now: number, days: number) =>
  new Date(now - days * 86_400_000).toISOString().slice(0, 10);
