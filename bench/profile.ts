// `npm run bench:profile`: a V8 CPU profile of the app under `next start` while it serves N claim-path checkouts, then
// the profile's self time by package (edge chunks are mapped back through their source maps). The .cpuprofile files
// land in .local/profiles/ (open them in Chrome DevTools → Performance). Flags: --n 300
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { post, round, startRig } from './support';

const { values: flags } = parseArgs({ options: { n: { type: 'string', default: '300' } } });
const n = Number(flags.n);
const dir = resolve('.local/profiles');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

// A build is needed every time: it inlines NEXT_PUBLIC_APP_URL, whose port changes from run to run.
const rig = await startRig({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const priceId = rig.services.prices[0]!.priceId;
const tokens: string[] = [];
try {
  for (let i = 0; i < n + 20; i++) tokens.push((await rig.seedBuyer(true, true)).token);
  for (const [i, token] of tokens.entries()) {
    const { status } = await post(rig.appUrl, '/api/billing/checkout', token, priceId);
    if (status !== 303) throw new Error(`checkout ${i}: ${status}`);
  }
} finally {
  await rig.stop(); // next exits on SIGTERM, and V8 writes the profile on exit
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const maps = new Map<string, SourceMap | null>();
function sourceMapFor(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const path = url.startsWith('file://') ? fileURLToPath(url) : url;
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

const packageIn = (path: string): string | null => {
  const pkgs = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  return pkgs ? decodeURIComponent(pkgs[pkgs.length - 1]!.replace('node_modules/', '')) : null;
};

function packageOf({ url, lineNumber, columnNumber, functionName }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  let source = url;
  const map = sourceMapFor(url);
  if (map) {
    const entry = map.findEntry(lineNumber, columnNumber) as { originalSource?: string };
    if (entry.originalSource) source = entry.originalSource;
  }
  // A package's own maps name its sources relatively (Next's `../../src/server/…` inside node_modules/next): code
  // mapped to no other package belongs to the package whose file ran, and only the app's bundles map to our src/.
  return packageIn(source) ?? packageIn(url) ?? (/(^|\/)src\//.test(source) ? 'app (src/)' : 'other');
}

const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
const byPackage = new Map<string, number>();
let totalMs = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id)!;
    const pkg = packageOf(node.callFrame);
    if (pkg === '(idle)') return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  });
}
console.log(`\n${files.length} profile(s) in ${dir} (${files.map((f) => `${round(statSync(f).size / 1e6)} MB`).join(', ')})`);
console.log(`busy CPU ${round(totalMs)} ms over ${tokens.length} checkouts (${round(totalMs / tokens.length, 2)} ms each, warm-up and shutdown included)\n`);
console.log('self time by package      ms     ms/checkout  share');
for (const [pkg, ms] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`${pkg.padEnd(24)} ${String(round(ms)).padStart(7)}  ${String(round(ms / tokens.length, 2)).padStart(10)}  ${round((100 * ms) / totalMs)}%`);
}
process.exit(0);
