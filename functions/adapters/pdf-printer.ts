import type { DestructionCertificate, Printer } from '../domain/ports.ts';

/** Renders fairfix's documents as PDF (A4), with pdfkit. */
export class PdfPrinter implements Printer {
  async destructionCertificate(certificate: DestructionCertificate): Promise<Uint8Array> {
    // Loaded at the first certificate, not at the cold start of the functions that may print one.
    const { default: PDFDocument } = await import('pdfkit');
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: `Certificate of destruction ${certificate.number}` },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));

    doc.font('Helvetica-Bold').fontSize(20).text('Certificate of destruction');
    doc.moveDown(0.2).font('Helvetica-Bold').fontSize(12).text(`No. ${certificate.number}`);
    doc.moveDown(0.3).font('Helvetica').fontSize(11).text(`${certificate.brand}, case ${certificate.caseId}`);
    doc.moveDown();
    const rows: [string, string][] = [
      ['Part', certificate.part],
      ['Part serial', certificate.serial],
      ['Method', certificate.method],
      ['Standard followed', certificate.standard],
      ['Destroyed on', certificate.destroyedAt],
      ['Destroyed by', certificate.destroyedBy],
      ['Chosen by the customer', `${certificate.chosenBy}, on ${certificate.chosenAt}`],
    ];
    for (const [label, value] of rows) {
      doc.font('Helvetica-Bold').fontSize(10).text(label.toUpperCase());
      doc.font('Helvetica').fontSize(12).text(value).moveDown(0.5);
    }
    doc
      .moveDown()
      .fontSize(9)
      .text(
        'The part above held the customer’s data. It was destroyed on the customer’s own recorded choice, ' +
          'by the method and to the standard stated; no copy of its contents was kept.',
      );

    // A line for the person who destroyed the part to sign, on the printed copy kept with the part's record.
    doc.moveDown(3);
    const y = doc.y;
    const left = doc.page.margins.left;
    doc
      .moveTo(left, y)
      .lineTo(left + 220, y)
      .lineWidth(0.7)
      .stroke('#000');
    doc
      .moveTo(left + 260, y)
      .lineTo(left + 400, y)
      .stroke('#000');
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(`Signature: ${certificate.destroyedBy}`, left, y + 4, { width: 220 })
      .text('Date', left + 260, y + 4, { width: 140 });
    doc.end();
    await done;
    return new Uint8Array(Buffer.concat(chunks));
  }
}
