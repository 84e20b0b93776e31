// Test workers run in other processes than the stack (vitest's globalSetup): this small HTTP channel lets them read
// the stand-ins' logs, inject faults and mint tokens. Server and client live together so the protocol stays in one file.
import { createServer, type Server } from 'node:http';
import type { MintOptions } from './auth';
import type { LocalStack } from './stack';

type Target = 'neon' | 'stripe' | 'clerk';
interface RpcCall { target: Target | 'stack'; member: string; args: unknown[] }

// RegExps and functions do not cross JSON: a `{ $regex }` arg becomes a RegExp, `{ $sqlIncludes[, $paramsInclude] }` a
// query matcher.
function revive(arg: unknown): unknown {
  if (arg && typeof arg === 'object') {
    const value = arg as Record<string, unknown>;
    if (typeof value.$regex === 'string') return new RegExp(value.$regex);
    if (typeof value.$sqlIncludes === 'string') {
      // With `$paramsInclude`, only a query whose params hold that value matches: parallel test files share the stack.
      const needle = value.$sqlIncludes.toLowerCase();
      const param = typeof value.$paramsInclude === 'string' ? JSON.stringify(value.$paramsInclude) : null;
      return (queries: string[], params: string[]) => queries.some((q, i) => q.toLowerCase().includes(needle) && (param === null || (params[i] ?? '').includes(param)));
    }
  }
  return arg;
}

export interface ControlServer { url: string; stop(): Promise<void> }

export async function startControlServer(stack: LocalStack, extras: Record<string, (...args: unknown[]) => Promise<unknown>> = {}): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        try {
          const call = JSON.parse(body) as RpcCall;
          let result: unknown;
          if (call.target === 'stack') {
            if (call.member === 'env') result = stack.env;
            else if (call.member === 'mintToken') result = await stack.mintToken(call.args[0] as MintOptions);
            else if (extras[call.member]) result = await extras[call.member]!(...call.args);
            else throw new Error(`unknown stack member ${call.member}`);
          } else {
            const target = stack[call.target] as unknown as Record<string, unknown>;
            const member = target[call.member];
            result = typeof member === 'function' ? await (member as (...a: unknown[]) => unknown).apply(target, call.args.map(revive)) : member;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: result ?? null }));
        } catch (err) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The client side, usable from Node and from the edge-runtime VM (plain fetch). */
export function controlClient(url: string) {
  async function call<T>(target: RpcCall['target'], member: string, ...args: unknown[]): Promise<T> {
    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ target, member, args }) });
    const payload = (await response.json()) as { result?: T; error?: string };
    if (payload.error !== undefined) throw new Error(`control ${target}.${member}: ${payload.error}`);
    return payload.result as T;
  }
  return {
    call,
    env: () => call<Record<string, string>>('stack', 'env'),
    mintToken: (options: MintOptions) => call<string>('stack', 'mintToken', options),
    /** The URL of the app the global setup built and started (`next start`) before any test file ran; from then on
     *  the emulator delivers its events to the app. */
    app: () => call<string>('stack', 'app'),
    neon: <T = unknown>(member: string, ...args: unknown[]) => call<T>('neon', member, ...args),
    stripe: <T = unknown>(member: string, ...args: unknown[]) => call<T>('stripe', member, ...args),
    clerk: <T = unknown>(member: string, ...args: unknown[]) => call<T>('clerk', member, ...args),
  };
}

export type ControlClient = ReturnType<typeof controlClient>;
