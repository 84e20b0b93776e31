// Starts the local stack once per test run, and when any selected test file uses the app, builds it (`vercel build`,
// installing nothing) and starts it with `next start` before the first test file runs. Workers reach both through
// the control URL (tests/support/stack.ts). Clears the figures of the previous run and fails the run if the app
// printed a secret, a stack trace or upstream error text. The Neon endpoint serves a throwaway PostgreSQL cluster
// (local/postgres-cluster.ts) created under .local/ and removed at teardown; BILLING_TEST_DB=pglite uses PGlite instead.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { buildApp, startApp, type AppServer } from '@local/app-server';
import { startControlServer } from '@local/control';
import { freePort } from '@local/free-port';
import { startLocalStack } from '@local/stack';
import { findLeaks, leakNeedles } from '../support/leak-patterns';
import { figuresDir } from '../support/figures-path';

declare module 'vitest' {
  export interface ProvidedContext {
    controlUrl: string;
    /** `postgres-<major>` (the default: a throwaway cluster under .local/) or `pglite` (BILLING_TEST_DB=pglite). */
    db: string;
    /** The throwaway cluster's URL, for tests that drive the ledger's statements with a direct driver. */
    postgresUrl: string | undefined;
  }
}

/** Whether any test file of this run asks for the app (`stack.app()`): unit runs then skip the minutes-long build. */
async function runUsesApp(project: TestProject): Promise<boolean> {
  // The CLI's file filters (`vitest run tests/unit`): vitest keeps them on an internal field.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const specs = await project.vitest.globTestSpecifications(filters);
  const sources = await Promise.all(specs.map((spec) => readFile(spec.moduleId, 'utf8').catch(() => '')));
  return sources.some((source) => source.includes('stack.app()'));
}

interface Started { controlUrl: string; db: string; postgresUrl: string | undefined; users: number; teardown: () => Promise<void> }
// With `extends: true` every project inherits this file and vitest runs it once per project (and for the root): one
// stack and one app serve them all, stopped when the last of them tears down.
const shared = globalThis as { billingTestStack?: Promise<Started> };

export default async function setup(project: TestProject) {
  shared.billingTestStack ??= start(project);
  const started = await shared.billingTestStack;
  started.users++;
  project.provide('controlUrl', started.controlUrl);
  project.provide('db', started.db);
  project.provide('postgresUrl', started.postgresUrl);
  return async () => {
    if (--started.users > 0) return;
    delete shared.billingTestStack;
    await started.teardown();
  };
}

async function start(project: TestProject): Promise<Started> {
  rmSync(figuresDir, { recursive: true, force: true });
  const appPort = await freePort();
  // Real Postgres by default: the statements that race must race as on Neon (PGlite runs one at a time).
  const postgresCluster = process.env.BILLING_TEST_DB !== 'pglite';
  const stack = await startLocalStack({ appUrl: `http://localhost:${appPort}`, webhookRetryDelaysMs: [100, 300, 1000], postgresCluster });
  let app: AppServer | undefined;
  try {
    if (await runUsesApp(project)) {
      await buildApp(stack.env, 'vercel');
      app = await startApp(stack.env, appPort);
    }
  } catch (err) {
    await stack.stop();
    throw err;
  }
  // Events reach the app only once a test asks for it (the files that drive the app run last). Before that the core
  // tests deliver events themselves and must not race the app fulfilling the same sessions from the emulator.
  stack.stripe.setWebhook(null);
  const toApp = { url: `${stack.env.NEXT_PUBLIC_APP_URL}/api/billing/webhook`, secret: stack.env.STRIPE_WEBHOOK_SECRET! };
  const needles = await leakNeedles(stack);
  const control = await startControlServer(stack, {
    app: () => {
      if (!app) return Promise.reject(new Error('the app was not started: no test file of this run calls stack.app()'));
      stack.stripe.setWebhook(toApp);
      return Promise.resolve(app.url);
    },
    appOutput: () => Promise.resolve(app?.output() ?? ''),
    leakNeedles: () => Promise.resolve(needles),
  });
  return {
    controlUrl: control.url,
    db: stack.db,
    postgresUrl: stack.postgresUrl,
    users: 0,
    teardown: async () => {
    const printed = app?.output() ?? '';
    await app?.stop();
    await control.stop();
    await stack.stop();
    const leaks = findLeaks(printed, needles, 'next start output');
    if (leaks.length > 0) throw new Error(`the app printed what it must not:\n${leaks.join('\n')}`);
    },
  };
}
