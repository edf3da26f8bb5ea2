// Runs before every npm script, so that `npm start` or `npm test` can be the first command typed on a
// fresh clone: when node_modules is missing or was installed from another package-lock.json, it runs
// `npm install` and says so; otherwise it returns at once. Plain JavaScript without dependencies: it runs
// on the system's Node.js (>= 20) before node_modules, and with it the project's Node.js 22, exists.
//
// Staleness: a fingerprint (SHA-256 of package-lock.json and of package.json's dependency fields) is
// stamped into node_modules after each install (here, and by the `postinstall` script after a plain
// `npm install`). No node_modules, no stamp, or a different fingerprint means: install.
//
//   node scripts/ensure-deps.mjs            install if needed
//   node scripts/ensure-deps.mjs --record   stamp the current fingerprint (postinstall)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = path.join(root, 'node_modules');
const stamp = path.join(modules, '.fairfix-deps-fingerprint');
const say = (message) => console.log(`[fairfix] ${message}`);

/** What node_modules must have been installed from. Scripts, version and the like do not count. */
function fingerprint() {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'overrides'];
  const hash = createHash('sha256');
  hash.update(JSON.stringify(fields.map((field) => manifest[field] ?? null)));
  const lock = path.join(root, 'package-lock.json');
  hash.update(existsSync(lock) ? readFileSync(lock) : 'no package-lock.json');
  return hash.digest('hex');
}

function recorded() {
  try {
    return readFileSync(stamp, 'utf8').trim();
  } catch {
    return undefined;
  }
}

if (process.argv.includes('--record')) {
  if (existsSync(modules)) writeFileSync(stamp, `${fingerprint()}\n`);
  process.exit(0);
}

/**
 * The local cloud runs on the Node.js 22 the `node` package installs (aws-local-stepfunctions needs it).
 * Its install script puts it in node_modules/.bin; npm 12 runs a dependency's install script only when
 * package.json's `allowScripts` names it (this project's does). Say so plainly when it is missing.
 */
function checkProjectNode() {
  if (existsSync(path.join(modules, '.bin', 'node')) || existsSync(path.join(modules, '.bin', 'node.cmd')))
    return;
  say(
    "node_modules/.bin/node is missing: the `node` package's install script did not run, so scripts run on",
  );
  say(
    `your Node.js ${process.version}, and the local cloud needs 22. Run \`npm rebuild node\` (and check that your`,
  );
  say('npm allows install scripts: package.json lists the three this project needs under allowScripts).');
}

const wanted = fingerprint();
const found = existsSync(modules) ? recorded() : undefined;
if (found === wanted) {
  checkProjectNode();
  process.exit(0);
}

const reason = !existsSync(modules)
  ? 'node_modules is missing'
  : found === undefined
    ? 'node_modules has no record of the package-lock.json it was installed from'
    : 'package.json or package-lock.json changed since the last install';

// A worktree may borrow another checkout's node_modules through a symlink: installing through it would
// change what that checkout runs on. Say so, and carry on with what is there.
if (lstatSync(modules, { throwIfNoEntry: false })?.isSymbolicLink()) {
  say(`${reason}, but node_modules is a symlink to another checkout's install: not installing into it.`);
  say('Replace the symlink with `npm install` here if this checkout needs other dependencies.');
  process.exit(0);
}

say(`${reason}: running npm install (Node.js 22 included, no Docker, no AWS account needed).`);
const started = Date.now();
// Under npm, npm_execpath is the npm that runs this script: use the same one, on the same Node.js.
const npmCli = process.env.npm_execpath;
const args = ['install', '--no-audit', '--no-fund'];
const result =
  npmCli && /npm-cli\.c?js$/.test(npmCli)
    ? spawnSync(process.execPath, [npmCli, ...args], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) {
  say(
    `npm install failed${result.error ? `: ${result.error.message}` : ''}. Fix the cause and run the command again.`,
  );
  process.exit(result.status ?? 1);
}
// npm may have rewritten package-lock.json (e.g. a package.json edited by hand): stamp what is there now.
writeFileSync(stamp, `${fingerprint()}\n`);
checkProjectNode();
say(`Dependencies are in place (${((Date.now() - started) / 1000).toFixed(1)} s); later runs start at once.`);
