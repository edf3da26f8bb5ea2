import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode/lib/core/qrcode.js';
import { CarrierUnavailableError } from '../domain/errors.ts';
import type { Carrier, IssuedShipment, ShipmentRequest } from '../domain/ports.ts';

const POINTS_PER_INCH = 72;

/**
 * Whether the local carrier's label service answers. The local cloud's development endpoints can take
 * it down, to see what a carrier's outage does to cases (P7): exactly what a real one would, an error
 * from the label call. Nothing else in fairfix reads it.
 */
export const localPost = { down: false };

/**
 * The carrier fairfix uses until a brand configures a real one: it issues tracking numbers and real
 * 4x6 inch PDF labels with the tracking number as text and QR code. It is deterministic: the same
 * reference always gives the same tracking number, as a real label API's idempotency key would.
 */
export class LocalCarrier implements Carrier {
  readonly name = 'fairfix-local-post';

  async createShipment(request: ShipmentRequest): Promise<IssuedShipment> {
    if (localPost.down) throw new CarrierUnavailableError(this.name);
    const digits = BigInt(`0x${createHash('sha256').update(request.reference).digest('hex').slice(0, 15)}`)
      .toString()
      .padStart(12, '0')
      .slice(0, 12);
    const trackingNumber = `FFX${digits}`;
    return {
      carrier: this.name,
      trackingNumber,
      labelPdf: await renderLabel(trackingNumber, request, this.name),
    };
  }
}

async function renderLabel(
  trackingNumber: string,
  request: ShipmentRequest,
  carrier: string,
): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [4 * POINTS_PER_INCH, 6 * POINTS_PER_INCH],
    margin: 18,
    info: { Title: `Label ${trackingNumber}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));

  doc.font('Helvetica-Bold').fontSize(14).text(carrier.toUpperCase(), { continued: true });
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(`   ${request.service.toUpperCase()}${request.returnLabel ? ' · PREPAID RETURN' : ''}`);
  doc.moveDown(0.5).fontSize(8).text('FROM').fontSize(10).text(request.from, { width: 252 });
  doc
    .moveDown(0.5)
    .fontSize(8)
    .text('TO')
    .font('Helvetica-Bold')
    .fontSize(13)
    .text(request.to, { width: 252 });
  if (request.box)
    doc.moveDown(0.3).font('Helvetica').fontSize(9).text('A shipping box is sent to you with this label.');
  if (request.packingList?.length) {
    doc
      .moveDown(0.3)
      .font('Helvetica-Bold')
      .fontSize(8)
      .text('PACKING LIST: THE CUSTOMER’S OWN PARTS')
      .font('Helvetica')
      .text(request.packingList.join('; '), { width: 252 });
  }

  const qr = QRCode.create(trackingNumber, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const cell = 5;
  const left = (4 * POINTS_PER_INCH - size * cell) / 2;
  const top = 250;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.modules.get(row, col)) doc.rect(left + col * cell, top + row * cell, cell, cell).fill('#000');
    }
  }
  doc
    .font('Helvetica-Bold')
    .fontSize(16)
    .fillColor('#000')
    .text(trackingNumber, 18, top + size * cell + 12, { width: 252, align: 'center' });
  doc
    .font('Helvetica')
    .fontSize(7)
    .text('Prepaid by the brand: nothing to pay.', { width: 252, align: 'center' });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
