/**
 * Sums a V8 .cpuprofile (bench/cpu-profile.ts, or node --cpu-prof) by self time: the top packages,
 * files and functions, and the project's own functions inclusive. Each further argument is a regular
 * expression: the time of every sample with a frame `functionName@url` matching it on its stack, which
 * is how docs/architecture.md ("Figures") measured each cut before and after.
 *   npm exec -- node --import tsx bench/profile-summary.ts <file.cpuprofile> [top] [pattern...]
 */
import { readFileSync } from 'node:fs';
import { PROJECT_ROOT } from '../lib/project.ts';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const [file, topArg, ...patterns] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** A file's owner: its npm package, or its path inside the project, or a V8/Node built-in. */
function owner(url: string): string {
  if (!url) return '(native/vm)';
  const packaged = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (packaged) return packaged[1] as string;
  if (url.startsWith('node:')) return url;
  const root = `file://${PROJECT_ROOT}/`;
  return url.startsWith(root) ? url.slice(root.length) : url;
}

// Inclusive time of the project's own functions (functions/, local/): a sample counts once for each
// distinct project frame on its stack, so a handler's figure includes the SDK and store work it caused.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (!frame || !/\/(functions|local)\//.test(frame.url) || frame.url.includes('node_modules')) continue;
    const key = `${frame.functionName || '(anonymous)'}  ${owner(frame.url)}:${frame.lineNumber + 1}`;
    if (!seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
}

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const fns = new Map<string, number>();
const owners = new Map<string, number>();
const groups = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const who = owner(url);
  add(fns, `${functionName || '(anonymous)'}  ${who}:${lineNumber + 1}`, us);
  add(owners, who, us);
  add(groups, who.includes('/') && !who.startsWith('@') ? (who.split('/')[0] as string) : who, us);
}
const show = (title: string, map: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
};
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
show('by package or top folder', groups, 25);
show('by file', owners, top);
show('by function (self)', fns, top);
show("the project's functions (inclusive)", inclusive, top);

for (const pattern of patterns) {
  const matches = new RegExp(pattern);
  let us = 0;
  for (const [id, sampled] of selfUs) {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && matches.test(`${frame.functionName}@${frame.url}`)) {
        us += sampled;
        break;
      }
    }
  }
  console.log(
    `\nsamples through /${pattern}/: ${(us / 1000).toFixed(0)} ms, ${((100 * us) / total).toFixed(1)}%`,
  );
}
