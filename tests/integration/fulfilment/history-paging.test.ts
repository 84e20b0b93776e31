// The purchase history pages the ledger (issue 19, defect 7): newest first, a cursor per page, every entry exactly
// once across the pages, and a cursor that is not one reads as the first page.
import { beforeAll, describe, expect, it } from 'vitest';
import { listPurchaseHistory } from '@/db/receipts';
import { creditedBuyer, creditsHarness } from '../../support/credits';

let h: Awaited<ReturnType<typeof creditsHarness>>;
beforeAll(async () => {
  h = await creditsHarness();
});

describe('listPurchaseHistory pages', () => {
  it('walks 13 entries 5 at a time, newest first, each once; the last page has no older cursor', async () => {
    const { userId, token } = await creditedBuyer(h.db, 20, 'paging');
    // Several in the same millisecond too: the cursor breaks ties by id.
    await Promise.all(Array.from({ length: 6 }, () => h.call('spend', { token, body: { credits: 1 } })));
    for (let i = 0; i < 6; i++) await h.call('spend', { token, body: { credits: 1 } });
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page = await listPurchaseHistory(h.db, userId, { before, pageSize: 5 });
      expect(page.balance).toBe(8);
      const times = page.entries.map((e) => e.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      seen.push(...page.entries.map((e) => e.id));
      before = page.older;
      pages++;
    } while (before && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
    const first = await listPurchaseHistory(h.db, userId, { before: "2026-01-01'; drop table users; --", pageSize: 5 });
    expect(first.entries.map((e) => e.id)).toEqual(seen.slice(0, 5));
  });
});
