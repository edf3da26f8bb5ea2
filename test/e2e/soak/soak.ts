/**
 * `npm run soak`: the crash soak of docs/local-cloud.md ("The crash soak"). Flags (all optional):
 * --cases 150 --kills 3 --instant 30 --concurrency 40 --seed <n> --keep --synth. The app is synthesized
 * once and each start serves that template (FAIRFIX_TEMPLATE), as a synth costs seconds per restart;
 * --synth makes each start synthesize, as `npm start` does. Prints its figures and every violation;
 * exits 1 on any.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { synthesizeTemplate } from '../../../local/template.ts';
import { DEFAULTS, runSoak } from './crash-soak.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    kills: { type: 'string' },
    instant: { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
    keep: { type: 'boolean' },
    synth: { type: 'boolean' },
  },
});
const number = (name: keyof typeof values, fallback: number) => {
  const raw = values[name];
  if (raw === undefined || typeof raw === 'boolean') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got ${raw}`);
    process.exit(2);
  }
  return value;
};

let templateDir: string | undefined;
let templatePath: string | undefined;
if (!values.synth) {
  templateDir = mkdtempSync(path.join(tmpdir(), 'fairfix-soak-template-'));
  templatePath = path.join(templateDir, 'template.json');
  writeFileSync(templatePath, JSON.stringify(await synthesizeTemplate()));
}
const report = await runSoak({
  ...(templatePath ? { templatePath } : {}),
  cases: number('cases', DEFAULTS.cases),
  kills: number('kills', DEFAULTS.kills),
  instant: number('instant', DEFAULTS.instant),
  concurrency: number('concurrency', DEFAULTS.concurrency),
  seed: number('seed', DEFAULTS.seed),
  keep: values.keep ?? false,
});

if (templateDir) rmSync(templateDir, { recursive: true, force: true });
console.log('\nFigures');
for (const [name, value] of Object.entries(report.figures)) console.log(`  ${name}: ${value}`);
if (report.violations.length === 0) {
  console.log(
    '\nSoak passed: nothing lost, nothing twice, no execution run twice or FAILED, every case at its end.',
  );
  process.exit(0);
}
console.log(`\nSoak FAILED: ${report.violations.length} violations`);
for (const violation of report.violations) console.log(`  - ${violation}`);
process.exit(1);
