// The pricing page's notices come from our own list: anything else, including prototype keys, shows nothing.
import { describe, expect, it } from 'vitest';
import { noticeText } from '@/lib/checkout/notice-text';

describe('noticeText', () => {
  it('maps our codes to our text and everything else to null', () => {
    expect(noticeText('invalid_price')).toBe('That pack is not on sale. Please choose one of the packs below.');
    expect(noticeText('stripe_unavailable')).toMatch(/^The payment provider did not answer\. Nothing was charged/);
    for (const code of ['', null, undefined, '__proto__', 'constructor', 'toString', 'unauthenticated', '<script>']) expect(noticeText(code)).toBeNull();
  });
});
