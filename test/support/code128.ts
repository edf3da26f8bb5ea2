/**
 * A Code 128 reader for tests: it reads one scan line of a barcode image (dark and light pixels) the
 * way a scanner does, from its bar and space widths, checks the symbol's checksum and answers the text.
 * It is written from the standard's table (ISO/IEC 15417), not from the encoder it checks.
 */
const PATTERNS = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
] as const;
const STOP = '2331112';
const [START_A, START_B] = [103, 104];
const [SHIFT, CODE_C, CODE_B_OR_FNC4, CODE_A_OR_FNC4, FNC1] = [98, 99, 100, 101, 102];

/** The widths of the runs of equal pixels, starting with the first dark one. */
function runs(row: readonly boolean[]): number[] {
  const first = row.indexOf(true);
  if (first < 0) throw new Error('No bar on this line');
  const widths: number[] = [];
  let current = true;
  let width = 0;
  for (const dark of row.slice(first)) {
    if (dark === current) width++;
    else {
      widths.push(width);
      current = dark;
      width = 1;
    }
  }
  if (current) widths.push(width);
  return widths;
}

/** The symbol a run of bar/space widths spells, its widths scaled to the 11 modules of a symbol. */
function symbolOf(widths: readonly number[], modules: number): string {
  const total = widths.reduce((sum, width) => sum + width, 0);
  return widths.map((width) => Math.max(1, Math.round((width * modules) / total))).join('');
}

/** Decodes a scan line of a Code 128 barcode; throws when it is no valid Code 128 symbol. */
export function decodeCode128(row: readonly boolean[]): string {
  const widths = runs(row);
  const values: number[] = [];
  let at = 0;
  for (;;) {
    if (at + 6 > widths.length) throw new Error('No stop pattern');
    const value = PATTERNS.indexOf(symbolOf(widths.slice(at, at + 6), 11) as (typeof PATTERNS)[number]);
    if (value >= 0) {
      values.push(value);
      at += 6;
      continue;
    }
    // The stop pattern's first six widths are no data symbol, so it is only tried once those fail.
    if (at + 7 <= widths.length && symbolOf(widths.slice(at, at + 7), 13) === STOP) break;
    throw new Error(`Unreadable symbol at run ${at}`);
  }
  const [start, ...rest] = values;
  const check = rest.pop();
  if (start === undefined || check === undefined || start < START_A) throw new Error('No start pattern');
  const sum = rest.reduce((total, value, index) => total + value * (index + 1), start);
  if (sum % 103 !== check) throw new Error(`Checksum ${check} does not match ${sum % 103}`);

  let set: 'A' | 'B' | 'C' = start === START_A ? 'A' : start === START_B ? 'B' : 'C';
  let text = '';
  for (let index = 0; index < rest.length; index++) {
    const value = rest[index] as number;
    if (value === FNC1) continue;
    if (set === 'C') {
      if (value < 100) text += String(value).padStart(2, '0');
      else set = value === CODE_B_OR_FNC4 ? 'B' : 'A';
      continue;
    }
    if (value === SHIFT) {
      const next = rest[++index] as number;
      text += character(set === 'A' ? 'B' : 'A', next);
    } else if (value === CODE_C) set = 'C';
    else if (value === CODE_B_OR_FNC4 && set === 'A') set = 'B';
    else if (value === CODE_A_OR_FNC4 && set === 'B') set = 'A';
    else if (value < 96) text += character(set, value);
  }
  return text;
}

function character(set: 'A' | 'B', value: number): string {
  if (set === 'B') return String.fromCharCode(value + 32);
  return String.fromCharCode(value < 64 ? value + 32 : value - 64);
}

/** Decodes the first line of a barcode image that reads as Code 128, scanning from its middle out. */
export function scanCode128(rows: (y: number) => readonly boolean[], height: number): string {
  const errors: string[] = [];
  for (let offset = 0; offset < height / 2; offset++) {
    for (const y of [Math.floor(height / 2) - offset, Math.floor(height / 2) + offset]) {
      try {
        return decodeCode128(rows(y));
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  }
  throw new Error(`No line reads as Code 128: ${errors.slice(0, 3).join('; ')}`);
}
