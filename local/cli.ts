// `npm run local [-- --prod] [--reset]`: the whole purchase loop on this machine — the three stand-ins, migrations,
// demo users, the app under `next dev` (or `next build` + `next start`) with the environment that points at them, the
// local dashboard, and `.local/stack.env` for the scripts and the CLI. Ctrl-C stops everything.
import { mkdirSync, rmSync } from 'node:fs';
import { buildApp, startApp } from './app-server';
import { startControlServer } from './control';
import { dashboardPages } from './dashboard';
import { freePort } from './free-port';
import { STATE_FILES, startLocalStack } from './stack';
import { CONTROL_URL_VAR, STACK_ENV_FILE, removeStackEnv, writeStackEnv } from './stack-env';

const prod = process.argv.includes('--prod');
const port = Number(process.env.PORT ?? 3000) || (await freePort());
const appUrl = `http://localhost:${port}`;
const STATE_DIR = '.local';

if (process.argv.includes('--reset')) {
  for (const path of [`${STATE_DIR}/pglite`, ...Object.values(STATE_FILES).map((f) => `${STATE_DIR}/${f}`)]) rmSync(path, { recursive: true, force: true });
  console.log('Reset: the database, the Stripe emulator and the Clerk stand-in start empty.');
}
mkdirSync(STATE_DIR, { recursive: true });

console.log('Starting the local stack (PGlite, Stripe emulator, Clerk stand-in)…');
const stack = await startLocalStack({ appUrl, dataDir: `${STATE_DIR}/pglite`, keyDir: `${STATE_DIR}/auth`, stateDir: STATE_DIR, seedUsers: true, webhookEndpoint: true });
const control = await startControlServer(stack, {}, dashboardPages(stack));
writeStackEnv(STACK_ENV_FILE, { ...stack.env, [CONTROL_URL_VAR]: control.url });

const prefix = (text: string) => text.replace(/\n$/, '').split('\n').map((line) => `[app] ${line}`).join('\n');
if (prod) {
  console.log('Building the app with the stack’s variables (next build)…');
  await buildApp(stack.env);
}
console.log(`Starting the app (${prod ? 'next start' : 'next dev'})…`);
const app = await startApp(stack.env, port, prod ? 'start' : 'dev', [], (text) => console.log(prefix(text)));

console.log(`
  App                 ${app.url}   (${prod ? 'next start' : 'next dev'})
  Sign in (local)     ${stack.clerk.signInUrl}?redirect_url=${encodeURIComponent(app.url)}
  Dashboard           ${control.url}/   (payments, refunds, disputes, events, ledger, faults)
  Stripe emulator     ${stack.stripe.url}   (hosted checkout pages under /c/pay/…)
  Neon endpoint       ${stack.neon.url}
  Clerk API stand-in  ${stack.clerk.apiUrl}
  Scripts' variables  ${STACK_ENV_FILE}   (npm run billing:reconcile, stripe:doctor, local:stripe, local:token …)

  Open the app, sign in as a demo user, press Buy Now, then Pay on the emulator's page. Ctrl-C stops everything.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  removeStackEnv(STACK_ENV_FILE);
  await app.stop();
  await control.stop();
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
