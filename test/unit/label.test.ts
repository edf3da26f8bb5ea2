import { describe, expect, it } from 'vitest';
import { LocalCarrier } from '../../functions/adapters/local-carrier.ts';
import { renderShippingLabel, type ShippingLabel } from '../../functions/adapters/shipping-label.ts';
import { DEVICE_PARCEL } from '../../functions/domain/shipping.ts';
import { decodeCode128, scanCode128 } from '../support/code128.ts';
import { imageRow, pdfImages, pdfPageSize, pdfText } from '../support/pdf.ts';

const label: ShippingLabel = {
  carrier: 'fairfix-local-post',
  service: 'ground',
  trackingNumber: 'FFX031415926535',
  rma: 'RMA-2026-000123',
  from: {
    name: 'Ann Example',
    street: ['7 Engine Lane', 'Flat 2'],
    postcode: 'E1 6AN',
    city: 'London',
    country: 'GB',
  },
  to: {
    name: 'Acme Repairs depot',
    street: ['1 Rue du Dépôt'],
    postcode: '1000',
    city: 'Brussels',
    country: 'BE',
  },
  weightGrams: 2000,
  date: '2026-12-05',
  returnLabel: true,
  box: false,
};

/** What a scanner reads from the label's barcode: the one image on it that is not a mask. */
function scan(pdf: Uint8Array): string {
  const barcodes = pdfImages(pdf).filter((image) => !image.isMask);
  expect(barcodes).toHaveLength(1);
  const [barcode] = barcodes;
  if (!barcode) throw new Error('no barcode');
  return scanCode128((y) => imageRow(barcode, y), barcode.height);
}

describe('the shipping label', () => {
  it('is a 4x6 inch page', async () => {
    expect(pdfPageSize(await renderShippingLabel(label))).toEqual({ width: 4 * 72, height: 6 * 72 });
  });

  it('carries the tracking number as a Code 128 barcode that scans back to it', async () => {
    expect(scan(await renderShippingLabel(label))).toBe('FFX031415926535');
    // Another number gives other bars: the reader reads what is drawn, not what the test expects.
    expect(scan(await renderShippingLabel({ ...label, trackingNumber: '1Z999AA10123456784' }))).toBe(
      '1Z999AA10123456784',
    );
  });

  it('refuses a scan line whose bars were damaged, as its checksum no longer matches', async () => {
    const [barcode] = pdfImages(await renderShippingLabel(label)).filter((image) => !image.isMask);
    if (!barcode) throw new Error('no barcode');
    const row = imageRow(barcode, Math.floor(barcode.height / 2));
    expect(decodeCode128(row)).toBe(label.trackingNumber);
    // Blacken one module (3 pixels at scale 3) of a space in the middle: the bars beside it now read otherwise.
    const space = row.indexOf(false, Math.floor(row.length / 2));
    const damaged = row.map((dark, x) => dark || (x >= space && x < space + 3));
    expect(damaged).not.toEqual(row);
    expect(() => decodeCode128(damaged)).toThrow();
  });

  it('names the RMA number, sender and recipient, service, weight and date', async () => {
    const text = pdfText(await renderShippingLabel(label));
    for (const words of [
      'RMA-2026-000123',
      'Ann Example',
      '7 Engine Lane',
      'Flat 2',
      'London',
      'Brussels',
      'GROUND',
      'PREPAID RETURN',
      '2.0 kg',
      '2026-12-05',
      'FFX031415926535',
    ])
      expect(text).toContain(words);
  });

  it('prints each address’s postcode and country on lines of their own, the country in capitals', async () => {
    const lines = pdfText(await renderShippingLabel(label)).split('\n');
    // The sender (a customer in London) above the recipient (the depot in Brussels).
    const at = (line: string) => lines.indexOf(line);
    expect(at('E1 6AN')).toBeGreaterThan(at('London'));
    expect(at('UNITED KINGDOM')).toBe(at('E1 6AN') + 1);
    expect(at('SHIP TO')).toBeGreaterThan(at('UNITED KINGDOM'));
    expect(at('1000')).toBe(at('Brussels') + 1);
    expect(at('BELGIUM')).toBe(at('1000') + 1);
    expect(at('BELGIUM')).toBeGreaterThan(at('SHIP TO'));
    // A state goes with its city, and the postcode still stands alone.
    const us = pdfText(
      await renderShippingLabel({
        ...label,
        to: {
          name: 'Ada',
          street: ['1 Main St'],
          postcode: '62704',
          city: 'Springfield',
          region: 'IL',
          country: 'US',
        },
      }),
    ).split('\n');
    expect(us).toEqual(expect.arrayContaining(['Springfield IL', '62704', 'UNITED STATES']));
  });

  it('is what the local carrier issues, with the tracking number it answers', async () => {
    const issued = await new LocalCarrier().createShipment({
      reference: 'acme/RMA-2026-000123/to-depot-device',
      rma: 'RMA-2026-000123',
      from: label.from,
      to: label.to,
      service: 'express',
      box: true,
      returnLabel: true,
      parcel: DEVICE_PARCEL,
    });
    expect(issued.trackingNumber).toMatch(/^FFX\d{12}$/);
    expect(scan(issued.labelPdf)).toBe(issued.trackingNumber);
    expect(pdfText(issued.labelPdf)).toContain('RMA-2026-000123');
  });
});
