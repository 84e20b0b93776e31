// The stack's control surface, in test mode only and never part of the app's build: `POST /` is a small JSON channel
// through which test workers (vitest's globalSetup runs the stack in another process) and the `local:stripe` /
// `local:token` CLI read the stand-ins' logs, inject faults, mint tokens and run the developer actions
// (local/actions.ts); every other request goes to the optional page handler (the local dashboard). Server and client
// live together so the protocol stays in one file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { stackActions, type StackActions } from './actions';
import type { MintOptions } from './auth';
import type { LocalStack } from './stack';

type Target = 'neon' | 'stripe' | 'clerk';
interface RpcCall { target: Target | 'stack' | 'actions'; member: string; args: unknown[] }

/** Serves a request that is not an RPC call; answers false to let the server say 404. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse, body: string) => Promise<boolean>;

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

export async function startControlServer(
  stack: LocalStack,
  extras: Record<string, (...args: unknown[]) => Promise<unknown>> = {},
  pages?: PageHandler,
): Promise<ControlServer> {
  if (!stack.env.STRIPE_SECRET_KEY?.startsWith('sk_test_')) throw new Error('the control surface runs in test mode only');
  const actions = stackActions(stack);
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/') {
          const served = await (pages?.(req, res, body) ?? Promise.resolve(false)).catch((err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
            return true;
          });
          if (!served) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        try {
          const call = JSON.parse(body) as RpcCall;
          let result: unknown;
          if (call.target === 'actions') {
            if (!Object.hasOwn(actions, call.member)) throw new Error(`unknown action ${call.member}`);
            result = await (actions as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[call.member]!(...call.args);
          } else if (call.target === 'stack') {
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
    /** A developer action (local/actions.ts), as the dashboard's forms and the CLI run them. */
    action: <K extends keyof StackActions>(name: K, ...args: Parameters<StackActions[K]>) => call<Awaited<ReturnType<StackActions[K]>>>('actions', name, ...args),
  };
}

export type ControlClient = ReturnType<typeof controlClient>;
