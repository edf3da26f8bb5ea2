import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.ts';
import { ApiClient } from '../support/api.ts';
import { examplePolicy } from '../support/brands.ts';
import { startTestCloud } from '../support/cloud.ts';

/** `npm run brand -- import file.json`: onboarding a brand from a file, through the admin's API. */
let cloud: LocalCloud;
const dir = mkdtempSync(path.join(tmpdir(), 'fairfix-brand-'));

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud?.stop());

/** The CLI as `npm run brand --` runs it (tsx on this Node), against this test's cloud. */
async function brandCli(...args: string[]) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'local/brand-cli.ts', ...args, '--url', cloud.urls.http],
      { cwd: path.resolve(import.meta.dirname, '../..') },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, out: failed.stderr };
  }
}

function file(name: string, document: object) {
  const at = path.join(dir, name);
  writeFileSync(at, JSON.stringify(document));
  return at;
}

describe('npm run brand -- import', () => {
  it('creates a brand from a file, then saves the file again as its next version', async () => {
    const policy = { ...examplePolicy('globex'), brand: 'initech', displayName: 'Initech' };
    const created = await brandCli('import', file('initech.json', policy));
    expect(created).toEqual({ code: 0, out: 'Created initech, policy version 1\n' });
    const saved = await brandCli('import', file('initech-2.json', { ...policy, returnWindowDays: 60 }));
    expect(saved).toEqual({ code: 0, out: 'Saved initech, policy version 2 (changed: returnWindowDays)\n' });
    // Importing the same file again makes no version: nothing changed.
    const again = await brandCli('import', path.join(dir, 'initech-2.json'));
    expect(again).toEqual({ code: 0, out: 'Unchanged: initech is at policy version 2\n' });
    const terms = await ApiClient.withToken(cloud.urls.http).get('/brands/initech/policy');
    expect(terms.body).toMatchObject({ displayName: 'Initech', returnWindowDays: 60 });
  });

  it('refuses a file with errors, naming every one, and saves nothing', async () => {
    const broken = {
      ...examplePolicy('acme'),
      brand: 'broken-brand',
      visitAllowance: -1,
      onSiteFamilies: ['fridge'],
    };
    const refused = await brandCli('import', file('broken.json', broken));
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('#/visitAllowance');
    expect(refused.out).toContain('#/onSiteFamilies/0');
    expect((await ApiClient.withToken(cloud.urls.http).get('/brands/broken-brand/policy')).status).toBe(404);
  });
});
