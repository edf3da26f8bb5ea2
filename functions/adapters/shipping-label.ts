import { countryName } from '../domain/address.ts';
import type { ShipmentAddress } from '../domain/ports.ts';

const POINTS_PER_INCH = 72;
const WIDTH = 4 * POINTS_PER_INCH;
const HEIGHT = 6 * POINTS_PER_INCH;
const MARGIN = 14;
const INNER = WIDTH - 2 * MARGIN;

/** What a 4x6 inch shipping label shows, as a carrier's sorting scanner and driver read it. */
export interface ShippingLabel {
  readonly carrier: string;
  readonly service: string;
  readonly trackingNumber: string;
  /** The case the parcel belongs to, so that the depot matches it without opening it. */
  readonly rma: string;
  readonly from: ShipmentAddress;
  readonly to: ShipmentAddress;
  readonly weightGrams: number;
  /** The day the label was issued, YYYY-MM-DD. */
  readonly date: string;
  readonly returnLabel: boolean;
  readonly box: boolean;
  readonly packingList?: readonly string[];
}

/**
 * Renders a 4x6 inch PDF label: the tracking number as a Code 128 barcode (bwip-js, the barcode
 * writer most label printers' drivers also use) and in words, the RMA number, sender and recipient,
 * service, weight and date. The barcode is a PNG of one pixel per module, so that scaling it onto the
 * page never merges two bars; its size on the page is set by `fit`, not by its pixels. (It was drawn
 * at three pixels a module: nine times the pixels for pdfkit to decode and deflate again, 15 ms of CPU
 * a label instead of 5, for the same bars.)
 */
export async function renderShippingLabel(label: ShippingLabel): Promise<Uint8Array> {
  // Loaded at the first label, not at the cold start of the functions that may print one.
  const [{ code128 }, { default: PDFDocument }] = await Promise.all([
    import('bwip-js/node'),
    import('pdfkit'),
  ]);
  const barcode = await code128({
    bcid: 'code128',
    text: label.trackingNumber,
    scale: 1,
    height: 18,
    paddingwidth: 10,
    backgroundcolor: 'FFFFFF',
    includetext: false,
  });
  const doc = new PDFDocument({
    size: [WIDTH, HEIGHT],
    margin: MARGIN,
    info: { Title: `Label ${label.trackingNumber}`, Subject: label.rma },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));

  doc.font('Helvetica-Bold').fontSize(14).text(label.carrier.toUpperCase(), MARGIN, MARGIN, { width: INNER });
  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(`${label.service.toUpperCase()}${label.returnLabel ? ' · PREPAID RETURN' : ''}`, { width: INNER });
  rule(doc);

  doc
    .font('Helvetica')
    .fontSize(7)
    .text('FROM', MARGIN, doc.y + 3);
  doc.fontSize(7).text(lines(label.from), { width: INNER, height: 52, ellipsis: true });
  doc
    .font('Helvetica')
    .fontSize(7)
    .text('SHIP TO', MARGIN, Math.max(doc.y + 3, 108));
  doc.font('Helvetica-Bold').fontSize(10).text(lines(label.to), { width: INNER, height: 72, ellipsis: true });
  rule(doc, 196);

  // The RMA number gets half the row: it must never wrap, as the depot reads it at a glance.
  const facts: [string, string, number][] = [
    ['RMA', label.rma, INNER / 2],
    ['WEIGHT', `${(label.weightGrams / 1000).toFixed(1)} kg`, INNER / 4],
    ['DATE', label.date, INNER / 4],
  ];
  let x = MARGIN;
  for (const [name, value, width] of facts) {
    doc
      .font('Helvetica')
      .fontSize(7)
      .text(name, x, 199, { width: width - 4 });
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(value, x, 208, { width: width - 4, lineBreak: false });
    x += width;
  }
  rule(doc, 226);

  doc.image(barcode, MARGIN, 232, { fit: [INNER, 84], align: 'center' });
  doc
    .font('Helvetica-Bold')
    .fontSize(14)
    .text(label.trackingNumber, MARGIN, 320, { width: INNER, align: 'center', characterSpacing: 1 });
  rule(doc, 342);

  doc.font('Helvetica').fontSize(8).text('', MARGIN, 348);
  if (label.box) doc.text('A shipping box is sent to you with this label.', { width: INNER });
  if (label.packingList?.length)
    doc
      .font('Helvetica-Bold')
      .text('PACKING LIST: THE CUSTOMER’S OWN PARTS', { width: INNER })
      .font('Helvetica')
      .text(label.packingList.join('; '), { width: INNER, height: 36, ellipsis: true });
  doc
    .font('Helvetica')
    .fontSize(7)
    .text('Prepaid by the brand: nothing to pay.', MARGIN, HEIGHT - MARGIN - 10, {
      width: INNER,
      align: 'center',
    });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * An address one part a line, as sorters read it: who, the street lines, the city (and state), then the
 * postcode and the country each on a line of its own, the country in capitals (UPU S42).
 */
export const lines = (address: ShipmentAddress) =>
  [
    address.name,
    ...address.street,
    [address.city, address.region].filter(Boolean).join(' '),
    address.postcode,
    countryName(address.country).toUpperCase(),
  ]
    .filter(Boolean)
    .join('\n');

function rule(doc: PDFKit.PDFDocument, y = doc.y + 4) {
  doc
    .moveTo(MARGIN, y)
    .lineTo(WIDTH - MARGIN, y)
    .lineWidth(1)
    .stroke('#000');
  doc.y = y + 2;
}
