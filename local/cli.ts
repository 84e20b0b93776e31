// `npm run local`: the whole purchase loop on this machine — the three stand-ins, migrations, demo users, and the
// app under `next dev` with the environment that points at them. Ctrl-C stops everything.
import { mkdirSync } from 'node:fs';
import { startApp } from './app-server';
import { freePort } from './free-port';
import { startLocalStack } from './stack';

const port = Number(process.env.PORT ?? 3000) || (await freePort());
const appUrl = `http://localhost:${port}`;
mkdirSync('.local', { recursive: true });

console.log('Starting the local stack (PGlite, Stripe emulator, Clerk stand-in)…');
const stack = await startLocalStack({ appUrl, dataDir: '.local/pglite', keyDir: '.local/auth', seedUsers: true });
console.log('Starting the app (next dev)…');
const app = await startApp(stack.env, port, process.argv.includes('--prod') ? 'start' : 'dev');

console.log(`
  App                 ${app.url}
  Sign in (local)     ${stack.clerk.signInUrl}?redirect_url=${encodeURIComponent(app.url)}
  Stripe emulator     ${stack.stripe.url}   (hosted checkout pages under /c/pay/…)
  Neon endpoint       ${stack.neon.url}
  Clerk API stand-in  ${stack.clerk.apiUrl}

  Open the app, sign in as a demo user, press Buy Now, then Pay on the emulator's page. Ctrl-C stops everything.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await app.stop();
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
