/**
 * What AWS receives: each Lambda function's bundle as `cdk synth` writes it (minified, source maps
 * aside), and how long a fresh Node.js takes to import it. The bench prints both; test/infra asserts
 * the sizes (a time is never asserted).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, STACK_ID } from '../lib/app.ts';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../lib/project.ts';

/** The goal of issue 13 for every bundle, in bytes. */
export const BUNDLE_BUDGET_BYTES = 250 * 1024;

export interface Bundle {
  /** The function's source entry, e.g. `functions/get-case/handler.ts`. */
  readonly entry: string;
  /** The bundle file: `index.mjs` in its asset directory. */
  readonly file: string;
  readonly bytes: number;
}

export interface SynthesizedBundles {
  readonly bundles: Bundle[];
  /** Removes the assembly. */
  dispose(): void;
}

/**
 * Synthesizes the app with bundling into a temporary directory and lists each function's bundle.
 * The directory borrows the project's node_modules, so that a bundle's external packages (the AWS SDK,
 * which the Lambda runtime provides) resolve when it is imported.
 */
export function synthesizeBundles(): SynthesizedBundles {
  const outdir = mkdtempSync(path.join(tmpdir(), 'fairfix-bundles-'));
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
  const assembly = createApp({ outdir }).app.synth();
  const template = assembly.getStackArtifact(STACK_ID).template as {
    Resources: Record<
      string,
      { Type: string; Metadata?: Record<string, string>; Properties?: { Code?: { S3Key?: unknown } } }
    >;
  };
  const bundles: Bundle[] = [];
  for (const resource of Object.values(template.Resources)) {
    const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
    const key = resource.Properties?.Code?.S3Key;
    if (resource.Type !== 'AWS::Lambda::Function' || !entry || typeof key !== 'string') continue;
    // A file asset's object key is its hash; the assembly keeps it in asset.<hash>/.
    const file = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    if (!existsSync(file)) throw new Error(`${entry}: no bundle at ${file}`);
    bundles.push({ entry, file, bytes: statSync(file).size });
  }
  return { bundles, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** Milliseconds a fresh Node.js process takes to import the bundle (its handler not called). */
export function coldImportMs(bundle: Bundle): number {
  const script =
    'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, bundle.file], {
    env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench' },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
}
