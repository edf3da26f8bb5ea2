// @ts-check
// An address in parts (issue 15): street lines, postcode, city, state where the post needs one, the
// country chosen from the ISO 3166-1 list, each a field of its own so that the API's error for a part
// (`#/address/postcode`) lands beside it. A carrier ships nothing to less.

import { h } from './dom.js';
import { field } from './forms.js';
import { lang, t } from './words.js';

/** ISO 3166-1 alpha-2, as functions/domain/address.ts takes them (a unit test keeps the two equal). */
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

/** The countries as [code, name] in the reader's language, by name. */
function countries() {
  const names = new Intl.DisplayNames([lang()], { type: 'region' });
  return COUNTRY_CODES.map((code) => /** @type {[string, string]} */ ([code, names.of(code) ?? code])).sort(
    (a, b) => a[1].localeCompare(b[1], lang()),
  );
}

/**
 * The fields of an address, named by their pointers under `base` (`#/customer/address`).
 * @param {{ base: string, legend: string, value?: (pointer: string) => unknown, scope?: string, phone?: boolean }} options
 */
export function addressFields({ base, legend, value = () => undefined, scope, phone = false }) {
  const part = (/** @type {string} */ name) => `${base}/${name}`;
  const text = (
    /** @type {string} */ name,
    /** @type {string} */ label,
    /** @type {string} */ autocomplete,
    required = false,
    extra = {},
  ) =>
    field({
      pointer: part(name),
      label,
      required,
      value: value(part(name)),
      attrs: { autocomplete },
      ...(scope ? { scope } : {}),
      ...extra,
    });
  return h(
    'fieldset',
    { className: 'address' },
    h('legend', {}, legend),
    text('street/0', t('address.street'), 'address-line1', true),
    text('street/1', t('address.street2'), 'address-line2'),
    h(
      'div',
      { className: 'row' },
      text('postcode', t('address.postcode'), 'postal-code', true),
      text('city', t('address.city'), 'address-level2', true),
      text('region', t('address.region'), 'address-level1', false, { hint: t('address.regionHint') }),
    ),
    field({
      pointer: part('country'),
      label: t('address.country'),
      type: 'select',
      required: true,
      value: value(part('country')),
      options: [['', t('open.choose')], ...countries()],
      attrs: { autocomplete: 'country' },
      ...(scope ? { scope } : {}),
    }),
    phone ? text('phone', t('address.phone'), 'tel', false, { type: 'tel' }) : null,
  );
}
