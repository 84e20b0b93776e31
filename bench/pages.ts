// `npm run bench:pages`: the app process's CPU per signed-in page GET under `next start` (what Clerk's proxy and the
// page's render cost), read from /proc for the whole `next start` process tree. Flags: --n 200 --path /
import { parseArgs } from 'node:util';
import { cpuMsOfTree, round, startRig } from './support';

const { values: flags } = parseArgs({ options: { n: { type: 'string', default: '200' }, path: { type: 'string', default: '/' } } });
const n = Number(flags.n);
const warmUp = 20;

const rig = await startRig();
try {
  const { token } = await rig.seedBuyer(true, true);
  // A browser's page load: a document request with Clerk's two cookies (`__client_uat` before the token's iat).
  const headers = { accept: 'text/html', 'sec-fetch-dest': 'document', cookie: `__session=${token}; __client_uat=1` };
  const get = async () => {
    const response = await fetch(`${rig.appUrl}${flags.path}`, { headers, redirect: 'manual' });
    const html = await response.text();
    if (response.status !== 200 || !html.includes('Signed in as')) throw new Error(`GET ${flags.path}: ${response.status}, not signed in`);
  };
  for (let i = 0; i < warmUp; i++) await get();
  const before = cpuMsOfTree(rig.app.pid!);
  for (let i = 0; i < n; i++) await get();
  const spent = cpuMsOfTree(rig.app.pid!) - before;
  console.log(`node ${process.version}: ${n} signed-in GET ${flags.path}: app-process CPU ${round(spent / n, 2)} ms per page (${round(spent)} ms total)`);
} finally {
  await rig.stop();
}
