// What `npm run bench` and `npm run bench:profile` share: the stack in its own process, the app built and served with
// the bench routes on, buyers seeded through the stand-ins, and CPU read from /proc for a whole process tree.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildApp, startApp, type AppServer } from '../local/app-server';
import { controlClient, type ControlClient } from '../local/control';
import { freePort } from '../local/free-port';
import { createBillingServices } from '../src/lib/services/create-billing-services';

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** User+system CPU milliseconds of a process and all its descendants (USER_HZ = 100 on Linux). */
export function cpuMsOfTree(pid: number): number {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      pids.push(...execFileSync('ps', ['-o', 'pid=', '--ppid', String(pids[i])]).toString().trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      /* no children */
    }
  }
  return pids.reduce((sum, p) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return sum;
    }
  }, 0);
}

/** The stand-ins and what talks to them, before any app is built or served. */
export interface StackRig {
  appUrl: string;
  env: Record<string, string>;
  control: ControlClient;
  services: ReturnType<typeof createBillingServices>;
  seedBuyer(withCustomer: boolean, claims?: boolean): Promise<{ clerkUserId: string; token: string }>;
}

export interface BenchRig extends StackRig {
  app: AppServer;
  stop(): Promise<void>;
}

let seq = 0;

/**
 * Starts the stack (own process), runs `beforeServe` (work that must not share the machine with a build or a starting
 * server), builds the app unless `build: false`, and serves it with `next start`.
 */
export async function startRig({ build = true, nodeArgs = [], beforeServe }: { build?: boolean; nodeArgs?: string[]; beforeServe?: (stack: StackRig) => Promise<void> } = {}): Promise<BenchRig> {
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', fileURLToPath(new URL('./stack-process.ts', import.meta.url)), appUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`stack process exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const { controlUrl, env: stackEnv } = JSON.parse(first) as { controlUrl: string; env: Record<string, string> };
  const env = { ...stackEnv, BILLING_BENCH_ROUTES: '1' };
  const control = controlClient(controlUrl);
  const services = createBillingServices(env);
  const stack: StackRig = {
    appUrl,
    env,
    control,
    services,
    async seedBuyer(withCustomer, claims = false) {
      const clerkUserId = `user_bench_${process.pid}_${seq++}`;
      const id = `usr_bench_${process.pid}_${seq}`;
      await control.neon('query', 'insert into users (id, clerk_user_id, email) values ($1, $2, $3)', [id, clerkUserId, `${clerkUserId}@example.com`]);
      let customerId: string | null = null;
      if (withCustomer) {
        customerId = (await services.stripe.customers.create({ metadata: { clerkUserId, appUserId: id } })).id;
        await control.neon('query', 'update users set stripe_customer_id = $1 where id = $2', [customerId, id]);
      }
      const token = await control.mintToken({
        userId: clerkUserId,
        email: `${clerkUserId}@example.com`,
        ttlSeconds: 3600,
        claims: claims && customerId ? { stripe_customer_id: customerId, app_user_id: id } : {},
      });
      return { clerkUserId, token };
    },
  };
  let app: AppServer;
  try {
    await beforeServe?.(stack);
    if (build) await buildApp(env, 'vercel');
    app = await startApp(env, port, 'start', nodeArgs);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    ...stack,
    app,
    async stop() {
      await app.stop();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** One request to the app as a JSON-less API caller would send it; the body is drained so timing covers the whole answer. */
export async function post(appUrl: string, path: string, token: string | null, priceId: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/json', origin: appUrl, ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ priceId }),
  });
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}
