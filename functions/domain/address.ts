import * as z from 'zod';
import { regionNames } from './intl.ts';

/**
 * A postal address, in parts a carrier's API and a sorter read (issue 15): the street lines, the
 * postcode, the city, the country as its ISO 3166-1 alpha-2 code. Nothing is shipped to an address
 * without a postcode and a country; where a country's postcodes have a well-known shape, a postcode
 * not of that shape is refused at the door, with every other field error at once.
 */

/** ISO 3166-1 alpha-2: the 249 officially assigned codes (no reserved, withdrawn or user-assigned ones). */
export const COUNTRY_CODES = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`
  .trim()
  .split(/\s+/);

const COUNTRIES = new Set(COUNTRY_CODES);

/**
 * Postcodes of a well-known shape, as each country's post publishes it (compared after upper-casing
 * and trimming). Other countries' postcodes are only required to be given.
 */
const POSTCODES: Readonly<Record<string, { pattern: RegExp; example: string }>> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '94103 or 94103-1234' },
  CA: { pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/, example: 'K1A 0B1' },
  // Royal Mail's outward and inward codes, and GIR 0AA.
  GB: { pattern: /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/, example: 'SW1A 1AA' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  NL: { pattern: /^[1-9]\d{3} ?[A-Z]{2}$/, example: '1011 AB' },
  BE: { pattern: /^[1-9]\d{3}$/, example: '1000' },
  AT: { pattern: /^\d{4}$/, example: '1010' },
  CH: { pattern: /^\d{4}$/, example: '8001' },
  IT: { pattern: /^\d{5}$/, example: '00184' },
  ES: { pattern: /^\d{5}$/, example: '28013' },
};

/** Countries whose carriers need the state or province to route a parcel. */
const NEEDS_REGION = new Set(['US', 'CA']);

const line = (max: number) => z.string().trim().min(1).max(max);

const AddressFields = z.object({
  /** Who the parcel is for, when not the customer themselves (c/o, a company). */
  name: line(200).optional(),
  /** One or two street lines: house number and street, then flat, floor or building. */
  street: z
    .array(line(100))
    .min(1, 'Give the street and house number.')
    .max(2, 'Give at most two street lines.'),
  postcode: z.string().trim().toUpperCase().min(1).max(16),
  city: line(100),
  /** State, province or county, where the country's post uses one (required in the US and Canada). */
  region: line(100).optional(),
  /** ISO 3166-1 alpha-2, e.g. `GB`, `DE`, `US`. */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .length(2, 'Give the country as its two-letter ISO code, e.g. GB, DE or US.')
    .refine((code) => COUNTRIES.has(code), 'This is no ISO 3166-1 country code (e.g. GB, DE or US).'),
  /** A number the carrier may call about the parcel. */
  phone: z.string().trim().min(5).max(32).optional(),
});

/** What is said to a caller who still sends the address as one line of text. */
export const STRUCTURED =
  'Give the address in parts: {"street": ["…"], "postcode": "…", "city": "…", "country": "GB"}, optionally name, region and phone.';

/** A postal address as callers send it: every part checked, the postcode against its country's shape. */
export const PostalAddress = checked(z.object(AddressFields.shape, { error: partsNotText })).meta({
  description:
    'A postal address in parts. `country` is ISO 3166-1 alpha-2; `postcode` is checked against the country’s shape (US, CA, GB, DE, FR, NL, BE, AT, CH, IT, ES), elsewhere only required; `region` (state or province) is required for US and CA. Nothing is shipped to an address without a postcode and a country.',
});

/** A brand's depot: a postal address that always names who receives the parcels. */
export const DepotAddress = checked(
  z.object({ ...AddressFields.shape, name: line(200) }, { error: partsNotText }),
);

/** A caller who still sends one line of text is told the shape an address has now. */
function partsNotText(issue: { input?: unknown }) {
  return typeof issue.input === 'string' ? STRUCTURED : undefined;
}

/** The checks across an address's parts: the postcode's shape, the state where a carrier needs it. */
function checked<T extends z.ZodType<{ postcode: string; country: string; region?: string | undefined }>>(
  schema: T,
) {
  return schema.superRefine((address, context) => {
    const known = POSTCODES[address.country];
    if (known && !known.pattern.test(address.postcode))
      context.addIssue({
        code: 'custom',
        path: ['postcode'],
        message: `Postcodes in ${countryName(address.country)} look like ${known.example}.`,
      });
    if (NEEDS_REGION.has(address.country) && !address.region)
      context.addIssue({
        code: 'custom',
        path: ['region'],
        message: `A parcel to ${countryName(address.country)} needs the ${address.country === 'US' ? 'state' : 'province'}.`,
      });
  });
}

export type PostalAddress = z.infer<typeof PostalAddress>;

/**
 * An address as the case stores it: what was checked when given, read back without checking again,
 * so that a postcode rule made stricter later never makes a stored case unreadable.
 */
export const StoredAddress = z.object({
  name: z.string().optional(),
  street: z.array(z.string()),
  postcode: z.string().optional(),
  city: z.string(),
  region: z.string().optional(),
  country: z.string().optional(),
  phone: z.string().optional(),
});
export type StoredAddress = z.infer<typeof StoredAddress>;

/**
 * What earlier versions stored: one line of free text ("12 Analytical Row, London"). It is kept and
 * shown to people, but no label is bought to it: its postcode and country cannot be told apart.
 */
export type LegacyAddress = string;

/**
 * A depot address as policies kept it before issue 15, "Name, street…, postcode city, CC": read in parts
 * when its last part is a country code and the one before starts with a postcode; else undefined.
 */
export function depotFromText(text: string): z.input<typeof DepotAddress> | undefined {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const country = parts.at(-1)?.toUpperCase() ?? '';
  const place = /^(\S+(?: [A-Z0-9]{2,3})?)\s+(.+)$/.exec(parts.at(-2) ?? '');
  if (parts.length < 4 || !COUNTRIES.has(country) || !place) return undefined;
  const [, postcode = '', city = ''] = place;
  // A postcode of two words (SW1A 1AA, 1011 AB) only where the country writes it so.
  const [first = '', second] = postcode.split(' ');
  const single = POSTCODES[country]?.pattern.test(first) || second === undefined;
  return {
    name: parts[0] as string,
    street: parts.slice(1, -2).slice(0, 2),
    postcode: single ? first : postcode,
    city: single && second ? `${second} ${city}` : city,
    country,
  };
}

/** An address a parcel can be sent to: structured, with a postcode and a country. */
export type ShippableAddress = StoredAddress & { postcode: string; country: string };

export function isShippable(address: StoredAddress | LegacyAddress | undefined): address is ShippableAddress {
  return typeof address === 'object' && Boolean(address.postcode?.trim()) && Boolean(address.country?.trim());
}

/** The country's name in English, e.g. `United Kingdom` for `GB`. */
export function countryName(code: string, locale = 'en'): string {
  return regionNames(locale).of(code) ?? code;
}

/** An address on one line, for people reading a list (a technician's visits, a timeline). */
export function oneLine(address: StoredAddress | LegacyAddress): string {
  if (typeof address === 'string') return address;
  return [
    address.name,
    ...address.street,
    [address.postcode, address.city].filter(Boolean).join(' '),
    address.region,
    address.country ? countryName(address.country) : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}
