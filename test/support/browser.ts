import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../lib/project.ts';

/** Debian's chromium (the project installs it in CI), or the one FAIRFIX_CHROMIUM names. */
export const CHROMIUM = process.env.FAIRFIX_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Where the browser tests put their screenshots: test-results/screenshots (ignored by git), so `npm test`
 * leaves the work tree as it found it. `npm run screenshots` points FAIRFIX_SCREENSHOTS_DIR at
 * docs/screenshots to refresh the README's copies.
 */
export const SCREENSHOTS = path.resolve(
  PROJECT_ROOT,
  process.env.FAIRFIX_SCREENSHOTS_DIR ?? path.join('test-results', 'screenshots'),
);

/** Browser tests run whenever a Chromium is present; in CI a missing one is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `No Chromium at ${CHROMIUM}: the browser tests did not run (apt-get install chromium, or set FAIRFIX_CHROMIUM).`;
  if (process.env.CI || process.env.FAIRFIX_REQUIRE_BROWSER) throw new Error(message);
  console.warn(message);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Flags measured on these machines: without the networking ones Chromium keeps dialling out.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** axe-core's browser build, injected into each page a test checks. */
const AXE = path.join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** The widths every page is checked at: a phone and a desktop. */
export const WIDTHS = [390, 1100] as const;

/**
 * The accessibility violations axe-core finds on the page as it is now, at a phone's and a desktop's
 * width (the page is left at the width it had), each as "rule: the elements it found".
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const before = page.viewportSize() ?? { width: 1100, height: 900 };
  const found: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: before.height });
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } }).axe;
      const results = await axe.run(document);
      return results.violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
    });
    found.push(...violations.map((violation) => `at ${width} px: ${violation}`));
  }
  await page.setViewportSize(before);
  return found;
}

interface AxeResults {
  violations: { id: string; nodes: { target: string[] }[] }[];
}
