// vercel.json's cron must deploy on every plan: Vercel's Hobby plan refuses a cron that runs more than once a day
// ("Hobby accounts are limited to daily cron jobs"). A schedule is daily when its minute and hour are single numbers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const vercel = JSON.parse(readFileSync('vercel.json', 'utf8')) as { crons: { path: string; schedule: string }[] };

describe('vercel.json crons', () => {
  it('runs reconciliation once a day, at a fixed minute and hour', () => {
    expect(vercel.crons).toEqual([{ path: '/api/billing/reconcile', schedule: '17 3 * * *' }]);
    for (const { schedule } of vercel.crons) {
      const [minute, hour, ...rest] = schedule.split(' ');
      expect([/^\d{1,2}$/.test(minute!), /^\d{1,2}$/.test(hour!), rest.length]).toEqual([true, true, 3]);
    }
  });

  it('the route it calls declares the Node runtime and a maxDuration the sweep budget fits in', () => {
    const route = readFileSync('src/app/api/billing/reconcile/route.ts', 'utf8');
    expect(route).toMatch(/^export const runtime = 'nodejs';$/m);
    expect(route).toMatch(/^export const maxDuration = 60;$/m);
  });
});
