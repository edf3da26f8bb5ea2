import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../functions/api/problem.ts';
import {
  COUNTRY_CODES,
  DepotAddress,
  depotFromText,
  isShippable,
  oneLine,
  PostalAddress,
} from '../../functions/domain/address.ts';
import { storedPolicy } from '../../functions/domain/policy.ts';
import { AddressRequest, CaseOpeningRequest } from '../../functions/domain/schemas.ts';
import { examplePolicy } from '../support/brands.ts';

/** Addresses in parts, checked at the door (issue 15). */
const ada = { street: ['12 Analytical Row'], postcode: 'NW1 6XE', city: 'London', country: 'GB' };

const errorsOf = (input: unknown) => {
  const parsed = AddressRequest.safeParse({ addressId: 'a1', address: input });
  return parsed.success ? [] : fieldErrors(parsed.error, '#');
};

describe('a postal address', () => {
  it('takes street lines, postcode, city and an ISO country, normalising the postcode and country', () => {
    expect(
      PostalAddress.parse({ ...ada, postcode: ' nw1 6xe ', country: 'gb', phone: '+44 20 7946 0000' }),
    ).toEqual({ ...ada, phone: '+44 20 7946 0000' });
  });

  it.each([
    ['US', '94103', '9410'],
    ['US', '94103-1234', 'ABCDE'],
    ['GB', 'SW1A 1AA', '12345'],
    ['DE', '10115', '1011'],
    ['FR', '75001', '750011'],
    ['NL', '1011 AB', '0111 AB'],
    ['CA', 'K1A 0B1', 'K1A0B'],
  ])('checks a postcode of %s against its shape: %s passes, %s does not', (country, good, bad) => {
    const region = ['US', 'CA'].includes(country) ? { region: country === 'US' ? 'CA' : 'ON' } : {};
    expect(errorsOf({ ...ada, ...region, country, postcode: good })).toEqual([]);
    expect(errorsOf({ ...ada, ...region, country, postcode: bad })).toEqual([
      { pointer: '#/address/postcode', detail: expect.stringMatching(/^Postcodes in .+ look like /) },
    ]);
  });

  it('takes any non-empty postcode where no shape is known', () => {
    expect(errorsOf({ ...ada, country: 'JP', postcode: '100-0001' })).toEqual([]);
    expect(errorsOf({ ...ada, country: 'JP', postcode: '' })).toEqual([
      { pointer: '#/address/postcode', detail: 'This field is required.' },
    ]);
  });

  it('names every wrong field at once, each by its path', () => {
    const pointers = errorsOf({ street: [], postcode: '', city: '', country: 'XX' }).map((e) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '#/address/street',
        '#/address/postcode',
        '#/address/city',
        '#/address/country',
      ]),
    );
    // A state is needed in the US, with a postcode of the right shape, told together.
    expect(errorsOf({ ...ada, country: 'US', postcode: 'x' }).map((e) => e.pointer)).toEqual([
      '#/address/postcode',
      '#/address/region',
    ]);
  });

  it('refuses one line of text with the shape an address has now', () => {
    expect(errorsOf('12 Analytical Row, London')).toEqual([
      { pointer: '#/address', detail: expect.stringContaining('"postcode"') },
    ]);
    const opening = CaseOpeningRequest.safeParse({
      customer: { address: '12 Analytical Row, London' },
      device: { serial: 'SN', model: 'Cam 3', purchaseDate: '2026-03-01' },
      problem: { description: 'Does not power on', category: 'does-not-power-on' },
    });
    expect(opening.success).toBe(false);
    expect(opening.error && fieldErrors(opening.error, '#')).toEqual([
      { pointer: '#/customer/address', detail: expect.stringContaining('Give the address in parts') },
    ]);
  });

  it('knows the 249 ISO 3166-1 countries, and no reserved code', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(COUNTRY_CODES).toEqual(expect.arrayContaining(['GB', 'DE', 'US', 'BE']));
    for (const reserved of ['UK', 'EU', 'ZZ', 'XK']) expect(COUNTRY_CODES).not.toContain(reserved);
  });

  it('is shippable only in parts with a postcode and a country; text is shown, not shipped to', () => {
    expect(isShippable(ada)).toBe(true);
    expect(isShippable({ ...ada, postcode: '' })).toBe(false);
    expect(isShippable('12 Analytical Row, London')).toBe(false);
    expect(oneLine(ada)).toBe('12 Analytical Row, NW1 6XE London, United Kingdom');
    expect(oneLine('12 Analytical Row, London')).toBe('12 Analytical Row, London');
  });
});

describe('a depot address', () => {
  it('is in parts and names who receives the parcels', () => {
    expect(DepotAddress.safeParse({ ...ada }).success).toBe(false);
    expect(DepotAddress.parse({ ...ada, name: 'Acme depot' }).name).toBe('Acme depot');
  });

  it('kept as one line by an older policy is read in parts', () => {
    expect(depotFromText('Acme Devices Repair Depot, 1 Service Road, 1000 Brussels, BE')).toEqual({
      name: 'Acme Devices Repair Depot',
      street: ['1 Service Road'],
      postcode: '1000',
      city: 'Brussels',
      country: 'BE',
    });
    expect(depotFromText('Depot, 1 Road, SW1A 1AA London, GB')).toMatchObject({
      postcode: 'SW1A 1AA',
      city: 'London',
    });
    expect(depotFromText('Somewhere in Brussels')).toBeUndefined();
    const old = { ...examplePolicy('acme'), depotAddress: 'Acme depot, 1 Service Road, 1000 Brussels, BE' };
    expect(storedPolicy(old).depotAddress).toMatchObject({ postcode: '1000', country: 'BE' });
  });
});

describe('the portal’s address fields', () => {
  it('offer exactly the countries the API takes, with words in English and German', () => {
    const web = readFileSync(path.join(import.meta.dirname, '../../web/lib/address.js'), 'utf8');
    const listed = /COUNTRY_CODES = `([^`]*)`/.exec(web)?.[1]?.trim().split(/\s+/);
    expect(listed).toEqual(COUNTRY_CODES);
    const book = (file: string) => {
      const text = readFileSync(path.join(import.meta.dirname, `../../web/lib/${file}`), 'utf8');
      return Object.fromEntries([...text.matchAll(/'(address\.\w+)': '([^']+)'/g)].map((m) => [m[1], m[2]]));
    };
    const en = book('words-en.js');
    const de = book('words-de.js');
    const used = [...web.matchAll(/t\('(address\.\w+)'\)/g)].map((match) => match[1] as string);
    expect(used.length).toBeGreaterThan(5);
    for (const key of used) {
      expect(en[key], key).toBeTruthy();
      expect(de[key], key).toBeTruthy();
      expect(de[key], key).not.toBe(en[key]);
    }
  });
});
