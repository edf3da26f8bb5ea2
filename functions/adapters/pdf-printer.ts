import PDFDocument from 'pdfkit';
import type { DestructionCertificate, Printer } from '../domain/ports.ts';

/** Renders fairfix's documents as PDF (A4), with pdfkit. */
export class PdfPrinter implements Printer {
  async destructionCertificate(certificate: DestructionCertificate): Promise<Uint8Array> {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: `Certificate of destruction, case ${certificate.caseId}` },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));

    doc.font('Helvetica-Bold').fontSize(20).text('Certificate of destruction');
    doc.moveDown(0.3).font('Helvetica').fontSize(11).text(`${certificate.brand}, case ${certificate.caseId}`);
    doc.moveDown();
    const rows: [string, string][] = [
      ['Part', certificate.part],
      ['Part serial', certificate.serial],
      ['Method', certificate.method],
      ['Destroyed at', certificate.destroyedAt],
      ['Destroyed by', certificate.destroyedBy],
      ['Chosen by the customer', `${certificate.chosenBy}, ${certificate.chosenAt}`],
    ];
    for (const [label, value] of rows) {
      doc.font('Helvetica-Bold').fontSize(10).text(label.toUpperCase());
      doc.font('Helvetica').fontSize(12).text(value).moveDown(0.5);
    }
    doc
      .moveDown()
      .fontSize(9)
      .text(
        'The part above held the customer’s data. It was destroyed on the customer’s own recorded choice; ' +
          'no copy of its contents was kept.',
      );
    doc.end();
    await done;
    return new Uint8Array(Buffer.concat(chunks));
  }
}
