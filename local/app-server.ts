// Runs the real app against the stand-ins: `next build` then `next start` (or `next dev`) with the stack's env.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nextBin = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));

/** The last build's output (stdout and stderr), for tests/e2e/build-warnings.test.ts to read its warnings from. */
export const buildOutputFile = `${root}.local/build-output.log`;

export interface AppServer { url: string; pid: number | undefined; output: () => string; stop(): Promise<void> }

function run(args: string[], env: Record<string, string>, onOutput: (text: string) => void, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, nextBin, ...args], {
    cwd: root,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  return child;
}

const vercelBin = fileURLToPath(new URL('../node_modules/vercel/dist/vc.js', import.meta.url));

/**
 * `next build`, or with `via: 'vercel'` the Vercel CLI's offline `vercel build`, which runs `next build` itself and
 * also writes the deployment's Build Output (.vercel/output) that the edge-runtime checks read.
 */
export async function buildApp(env: Record<string, string>, via: 'next' | 'vercel' = 'next'): Promise<void> {
  let output = '';
  // `vercel build` wants a linked project; a placeholder link is written only where none exists, never over a real one.
  // It also runs vercel.json's installCommand, which installs nothing while node_modules matches the lockfile.
  if (via === 'vercel' && !existsSync(`${root}.vercel/project.json`)) {
    mkdirSync(`${root}.vercel`, { recursive: true });
    writeFileSync(`${root}.vercel/project.json`, JSON.stringify({ projectId: 'prj_local', orgId: 'team_local', settings: { framework: 'nextjs' } }));
  }
  const child =
    via === 'vercel'
      ? spawn(process.execPath, [vercelBin, 'build', '--yes'], { cwd: root, env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1', VERCEL_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
      : run(['build'], env, () => {});
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  mkdirSync(`${root}.local`, { recursive: true });
  writeFileSync(buildOutputFile, output);
  if (code !== 0) throw new Error(`${via} build failed (${code}):\n${output.slice(-4000)}`);
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 180_000; // a loaded 2-core machine can take minutes to boot next start
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next exited early:\n${output().slice(-4000)}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling a starting server, not covering a race
    }
  }
  throw new Error(`next did not start serving ${url}:\n${output().slice(-4000)}`);
}

/**
 * `mode: 'start'` serves the last build; `'dev'` runs `next dev`. Serve on `localhost`: see platform notes. `nodeArgs`
 * go to the node binary itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function startApp(
  env: Record<string, string>,
  port: number,
  mode: 'start' | 'dev' = 'start',
  nodeArgs: string[] = [],
  /** Also sees the app's output as it comes (`npm run local` prints it). */
  onOutput?: (text: string) => void,
): Promise<AppServer> {
  let output = '';
  const child = run(
    [mode, '-p', String(port)],
    env,
    (text) => {
      output += text;
      onOutput?.(text);
    },
    nodeArgs,
  );
  const url = `http://localhost:${port}`;
  await waitUntilServing(url, child, () => output);
  return {
    url,
    pid: child.pid,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
