import { readFileSync } from 'node:fs';

/**
 * `npm run brand -- import <file.json> [--url <api>] [--token <admin JWT>]`: creates the brand a policy
 * file names, or saves the file as its next version, through the API an admin uses (PUT /brand/policy),
 * so the file is checked exactly as an edit in the API is: every error at once.
 * `npm run brand -- export <brand> [--url] [--token]` prints the brand's current policy, to edit.
 *
 * Against the local cloud (`npm start`, default http://localhost:3000) it mints an admin token for the
 * brand from the development endpoint; elsewhere give an admin's token with --token.
 */
const USAGE =
  'Usage: npm run brand -- import <file.json> [--url http://localhost:3000] [--token <admin JWT>]\n' +
  '       npm run brand -- export <brand> [--url ...] [--token ...]';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const [command, target] = process.argv
  .slice(2)
  .filter((arg, index, all) => !arg.startsWith('--') && !all[index - 1]?.startsWith('--'));
const url = (option('url') ?? process.env.FAIRFIX_URL ?? 'http://localhost:3000').replace(/\/$/, '');

async function tokenFor(brand: string): Promise<string> {
  const given = option('token') ?? process.env.FAIRFIX_TOKEN;
  if (given) return given;
  const response = await fetch(`${url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: brand, role: 'admin', sub: 'npm run brand' }),
  }).catch(() => fail(`No fairfix at ${url}: start it with npm start, or give --url.`));
  if (!response.ok)
    fail(`${url} mints no development token (${response.status}): give an admin's token with --token.`);
  return ((await response.json()) as { token: string }).token;
}

async function call(method: string, path: string, token: string, body?: unknown, headers = {}) {
  const response = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    body: text ? JSON.parse(text) : undefined,
  };
}

function explain(answer: {
  status: number;
  body: { detail?: string; errors?: { pointer: string; detail: string }[] };
}) {
  const lines = [`${answer.status}: ${answer.body?.detail ?? 'refused'}`];
  for (const error of answer.body?.errors ?? []) lines.push(`  ${error.pointer}  ${error.detail}`);
  return lines.join('\n');
}

if (command === 'import' && target) {
  let document: { brand?: unknown };
  try {
    document = JSON.parse(readFileSync(target, 'utf8'));
  } catch (error) {
    fail(`${target} is not a readable JSON file: ${(error as Error).message}`);
  }
  if (typeof document.brand !== 'string') fail(`${target} names no brand: give "brand": "<id>" in it.`);
  const token = await tokenFor(document.brand);
  const current = await call('GET', '/brand/policy', token);
  const precondition = current.status === 404 ? { 'if-none-match': '*' } : { 'if-match': current.etag ?? '' };
  if (current.status !== 404 && current.status !== 200) fail(explain(current));
  const saved = await call('PUT', '/brand/policy', token, document, precondition);
  if (saved.status >= 300) fail(explain(saved));
  const { version, changed } = saved.body as { version: number; changed: string[] };
  if (saved.status === 201) console.log(`Created ${document.brand}, policy version ${version}`);
  else if (changed.length === 0) console.log(`Unchanged: ${document.brand} is at policy version ${version}`);
  else console.log(`Saved ${document.brand}, policy version ${version} (changed: ${changed.join(', ')})`);
} else if (command === 'export' && target) {
  const current = await call('GET', '/brand/policy', await tokenFor(target));
  if (current.status !== 200) fail(explain(current));
  console.log(JSON.stringify(current.body, null, 2));
} else {
  fail(USAGE);
}
