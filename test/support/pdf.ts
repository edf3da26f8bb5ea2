import { inflateSync } from 'node:zlib';

/** One image a PDF draws: its pixels as the PDF stores them (after Flate), one channel or three. */
export interface PdfImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Buffer;
  /** Whether this image is another one's transparency mask. */
  readonly isMask: boolean;
}

/** The size of the PDF's first page in points (1/72 in), from its MediaBox. */
export function pdfPageSize(bytes: Uint8Array): { width: number; height: number } {
  const box = /\/MediaBox \[([\d.\s-]+)\]/.exec(Buffer.from(bytes).toString('latin1'));
  if (!box) throw new Error('The PDF has no MediaBox');
  const [x0, y0, x1, y1] = (box[1] as string).trim().split(/\s+/).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  return { width: x1 - x0, height: y1 - y0 };
}

/** The images a PDF holds (pdfkit writes them as Flate-compressed XObjects), decompressed. */
export function pdfImages(bytes: Uint8Array): PdfImage[] {
  const raw = Buffer.from(bytes).toString('latin1');
  const masks = new Set([...raw.matchAll(/\/SMask (\d+) 0 R/g)].map((match) => match[1]));
  const images: PdfImage[] = [];
  for (const match of raw.matchAll(/(\d+) 0 obj\s*<<((?:(?!endobj)[\s\S])*?)>>\s*stream\r?\n/g)) {
    const dictionary = match[2] as string;
    if (!dictionary.includes('/Subtype /Image')) continue;
    const number = (name: string) => Number(new RegExp(`/${name} (\\d+)`).exec(dictionary)?.[1]);
    const start = (match.index ?? 0) + match[0].length;
    const stored = Buffer.from(raw.slice(start, start + number('Length')), 'latin1');
    const width = number('Width');
    const height = number('Height');
    const channels = dictionary.includes('/DeviceRGB') ? 3 : 1;
    let pixels: Buffer = dictionary.includes('/FlateDecode') ? inflateSync(stored) : stored;
    if (dictionary.includes('/Predictor')) pixels = unfilterPng(pixels, width * channels, height, channels);
    images.push({ width, height, channels, pixels, isMask: masks.has(match[1]) });
  }
  return images;
}

/** PNG row filters (PDF Predictor 10-15): each row starts with its filter type. */
function unfilterPng(data: Buffer, rowBytes: number, height: number, bytesPerPixel: number): Buffer {
  const out = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (rowBytes + 1)] as number;
    for (let x = 0; x < rowBytes; x++) {
      const value = data[y * (rowBytes + 1) + 1 + x] as number;
      const left = x >= bytesPerPixel ? (out[y * rowBytes + x - bytesPerPixel] as number) : 0;
      const up = y > 0 ? (out[(y - 1) * rowBytes + x] as number) : 0;
      const upLeft =
        y > 0 && x >= bytesPerPixel ? (out[(y - 1) * rowBytes + x - bytesPerPixel] as number) : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return a <= b && a <= c ? left : b <= c ? up : upLeft;
      };
      const predicted = [0, left, up, (left + up) >> 1, paeth()][filter] ?? 0;
      out[y * rowBytes + x] = (value + predicted) & 0xff;
    }
  }
  return out;
}

/** One row of an image as dark (true) or light pixels. */
export function imageRow(image: PdfImage, y: number): boolean[] {
  const row: boolean[] = [];
  for (let x = 0; x < image.width; x++) {
    let sum = 0;
    for (let c = 0; c < image.channels; c++)
      sum += image.pixels[(y * image.width + x) * image.channels + c] as number;
    row.push(sum / image.channels < 128);
  }
  return row;
}

/** The text a pdfkit PDF shows, one line per text run (pdfkit writes text as hex strings in TJ). */
export function pdfText(bytes: Uint8Array): string {
  const raw = Buffer.from(bytes).toString('latin1');
  const words: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1] as string, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const line of content.matchAll(/\[(.*?)\] TJ/g))
      words.push(
        [...(line[1] as string).matchAll(/<([0-9a-f]+)>/g)]
          .map((hex) => Buffer.from(hex[1] as string, 'hex').toString('latin1'))
          .join(''),
      );
  }
  return words.join('\n');
}
