import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { startTestCloud } from '../support/cloud.ts';
import { scanCode128 } from '../support/code128.ts';
import { Journey, opening } from '../support/journey.ts';
import { imageRow, pdfImages, pdfText } from '../support/pdf.ts';

/**
 * A parcel that really moves (issue 15): the case's label is bought from the local carrier service by
 * the EasyPost-shaped adapter, and the service's signed tracking webhook moves the case.
 */
let cloud: LocalCloud;
let journey: Journey;

beforeAll(async () => {
  cloud = await startTestCloud();
  journey = new Journey(cloud);
});
afterAll(() => cloud?.stop());

describe('the carrier account, locally', () => {
  it('buys the label from the carrier service, and its signed tracking webhook moves the case', async () => {
    // The functions find the account as on AWS: by the stack's secret, read from the (local) Secrets Manager.
    expect(process.env.FAIRFIX_CARRIER_API_KEY).toBeUndefined();
    expect(process.env.FAIRFIX_CARRIER_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/);
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const caseId = await journey.open(opening());
    const waiting = await journey.waitsFor(caseId, 'Wait for device at depot');
    const tracking = journey.tracking(waiting, 'to-depot');
    expect(waiting.shipments[0]).toMatchObject({ carrier: 'fairfix-local-post', status: 'label-issued' });

    // The stored label is the one the carrier service printed: 4x6, its barcode the case's tracking number.
    const response = await fetch(
      `${cloud.urls.http}/cases/${caseId}/documents/${waiting.shipments[0]?.labelDocumentId}`,
      {
        headers: {
          authorization: `Bearer ${cloud.tokens.issue({ tenant: 'acme', role: 'customer', sub: 'customer@acme.example' })}`,
        },
      },
    );
    const pdf = new Uint8Array(await response.arrayBuffer());
    const [barcode] = pdfImages(pdf).filter((image) => !image.isMask);
    if (!barcode) throw new Error('The label has no barcode');
    expect(scanCode128((y) => imageRow(barcode, y), barcode.height)).toBe(tracking);
    expect(pdfText(pdf)).toContain(caseId);
    // From the customer to the depot, in the parts the adapter sent: postcode and country each on a line.
    expect(pdfText(pdf).split('\n')).toEqual(
      expect.arrayContaining(['NW1 6XE', 'UNITED KINGDOM', 'Acme Devices Repair Depot', '1000', 'BELGIUM']),
    );

    // The carrier's tracker moves: the service POSTs tracker.updated, signed, to each brand's route.
    const inTransit = await cloud.carrier.track(tracking, { status: 'in_transit' });
    expect(inTransit.find((delivery) => delivery.url.endsWith('/carrier/webhooks/acme'))).toMatchObject({
      status: 202,
      body: { caseId, outcome: 'recorded' },
    });
    // Another brand's route hears of the parcel too (one account), and leaves it alone.
    expect(inTransit.find((delivery) => delivery.url.endsWith('/carrier/webhooks/globex'))).toMatchObject({
      status: 202,
      body: { outcome: 'ignored' },
    });
    const moving = await journey.get(caseId);
    expect(moving.shipments.find((s) => s.trackingNumber === tracking)?.status).toBe('in-transit');

    const delivered = await cloud.carrier.track(tracking, { status: 'delivered', city: 'Brussels' });
    expect(delivered.find((delivery) => delivery.url.endsWith('/carrier/webhooks/acme'))).toMatchObject({
      status: 202,
      body: { caseId, outcome: 'applied' },
    });
    const arrived = await journey.waitsFor(caseId, 'Wait for depot diagnosis');
    expect(arrived.shipments.find((s) => s.trackingNumber === tracking)?.status).toBe('delivered');
  });
});
