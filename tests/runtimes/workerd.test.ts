// The shared contract in workerd: the worker entry bundled by esbuild for the browser/worker conditions, run by
// miniflare, reaching the local stack over 127.0.0.1.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll } from 'vitest';
import { describeBillingContract } from '../support/shared-cases';
import { stack } from '../support/stack';

let mf: Miniflare | undefined;
afterAll(async () => mf?.dispose());

describeBillingContract('workerd (miniflare)', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./worker/entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['worker', 'browser'],
    alias: { '@': `${root}src`, 'server-only': `${root}tests/setup/empty-module.ts` },
    logLevel: 'silent',
  });
  const env = await stack.env();
  mf = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, bindings: env, compatibilityDate: '2025-09-01' });
  const worker = mf;
  return {
    send: async (request) => {
      const response = await worker.dispatchFetch(request.url, {
        method: request.method,
        headers: Object.fromEntries(request.headers),
        body: request.method === 'GET' ? undefined : await request.text(),
        redirect: 'manual',
      });
      return new Response(await response.arrayBuffer(), { status: response.status, headers: Object.fromEntries(response.headers) });
    },
  };
});
