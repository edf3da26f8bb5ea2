import { ConfiguredCarrier } from '../adapters/configured-carrier.ts';
import { PdfPrinter } from '../adapters/pdf-printer.ts';
import type { Deps } from '../app/deps.ts';
import { type PrintingAdapters, deps as plainDeps } from './deps.ts';

let printing: PrintingAdapters | undefined;

/**
 * The real adapters of a function that prints labels or certificates (its construct says `printsPdf`):
 * the same as functions/shared/deps.ts, with the carrier (the configured account, see
 * adapters/carrier-account.ts) and the PDF printer, whose packages only these functions bundle.
 */
export function deps(): Deps {
  printing ??= { carrier: new ConfiguredCarrier(), printer: new PdfPrinter() };
  return plainDeps(printing);
}
