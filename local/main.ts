import { readFileSync, rmSync } from 'node:fs';
import { LocalCloud } from './cloud.ts';
import { readSettings, resetClock, type Settings, startupBanner, whyItCouldNotStart } from './startup.ts';
import type { CfnTemplate } from './template.ts';

/** `npm start`: the local cloud on its default ports, its data under .fairfix/ (override by env). */
function fail(error: unknown, dataDir: string): never {
  console.error(whyItCouldNotStart(error, dataDir));
  if (process.env.FAIRFIX_DEBUG === '1') console.error(error);
  process.exit(1);
}

let settings: Settings;
try {
  settings = readSettings(process.env);
} catch (error) {
  fail(error, '.fairfix/data');
}
const { dataDir } = settings;

if (process.argv.includes('--reset') || process.argv.includes('--reset-only')) {
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`Removed all local data in ${dataDir}`);
  if (process.argv.includes('--reset-only')) process.exit(0);
} else if (process.argv.includes('--reset-clock')) {
  await resetClock(dataDir).catch((error: unknown) => fail(error, dataDir));
  console.log(`The local clock restarts at the real time; every case in ${dataDir} is kept.`);
}

const started = Date.now();
let template: CfnTemplate | undefined;
if (settings.templatePath) {
  try {
    template = JSON.parse(readFileSync(settings.templatePath, 'utf8')) as CfnTemplate;
  } catch (error) {
    fail(
      new Error(`FAIRFIX_TEMPLATE (${settings.templatePath}) is not a readable template`, { cause: error }),
      dataDir,
    );
  }
}
const cloud = await LocalCloud.start({
  dataDir,
  ports: settings.ports,
  ...(template ? { template } : {}),
  ...(settings.clockScale === undefined ? {} : { clockScale: settings.clockScale }),
}).catch((error: unknown) => fail(error, dataDir));

console.log(
  startupBanner(cloud, { dataDir, elapsedMs: Date.now() - started, devEndpoints: settings.devEndpoints }),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    cloud.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        // Whatever did not stop cleanly resumes from the journal on the next start; say what it was.
        console.error(
          `fairfix did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      },
    );
  });
}
