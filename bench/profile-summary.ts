/**
 * `node bench/profile-summary.ts FILE.cpuprofile [N]`: the N (default 30) functions with the most
 * self time in a V8 CPU profile, and the share per package, to see where the gateway spends CPU.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, top = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-summary.ts FILE.cpuprofile [N]');
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const where = (url: string): string => {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.includes('/src/')) return `src/${url.split('/src/')[1]!.split('/')[0]}`;
  return url.startsWith('node:') ? 'node' : url === '' ? '(vm)' : url.split('/').slice(-2).join('/');
};
const functions = new Map<string, number>();
const packages = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const frame = byId.get(id)!.callFrame;
  const name = `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${frame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
  packages.set(where(frame.url), (packages.get(where(frame.url)) ?? 0) + micros);
  total += micros;
}
const idle = [...functions].filter(([name]) => name.startsWith('(idle)')).reduce((n, [, v]) => n + v, 0);
const busy = total - idle;
const pct = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(`busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled`);
console.log('\nby package:');
for (const [name, micros] of [...packages]
  .filter(([n]) => n !== '(vm)')
  .filter(([n]) => n !== '(vm)' || true)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20)) {
  console.log(`${pct(micros)}  ${name}`);
}
console.log('\nby function (self time):');
for (const [name, micros] of [...functions]
  .filter(([n]) => !n.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(top))) {
  console.log(`${pct(micros)}  ${name}`);
}
