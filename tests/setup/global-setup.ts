// Starts the local stack once per test run and hands workers a control URL (tests/support/stack.ts reads it).
// The real app is built and started lazily, the first time a test asks for it.
import type { TestProject } from 'vitest/node';
import { buildApp, startApp, type AppServer } from '@local/app-server';
import { startControlServer } from '@local/control';
import { freePort } from '@local/free-port';
import { startLocalStack } from '@local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    controlUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const appPort = await freePort();
  const stack = await startLocalStack({ appUrl: `http://localhost:${appPort}`, webhookRetryDelaysMs: [100, 300, 1000] });
  let app: Promise<AppServer> | undefined;
  const control = await startControlServer(stack, {
    app: async () => {
      app ??= buildApp(stack.env, 'vercel').then(() => startApp(stack.env, appPort));
      return (await app).url;
    },
  });
  project.provide('controlUrl', control.url);
  return async () => {
    if (app) await (await app.catch(() => undefined))?.stop();
    await control.stop();
    await stack.stop();
  };
}
