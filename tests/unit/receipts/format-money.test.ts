// Stripe amounts are in the currency's smallest unit: how many decimals that is decides what a buyer and an operator see.
import { describe, expect, it } from 'vitest';
import { formatMoney } from '@/lib/receipts';
import { formatMoneyCode } from '@/lib/receipts/format-money-code';

describe('money as people read it', () => {
  it('two-decimal currencies: cents', () => {
    expect(formatMoney(7900, 'usd')).toBe('$79.00');
    expect(formatMoney(14900, 'EUR')).toBe('€149.00');
    expect(formatMoneyCode(14900, 'usd')).toBe('149.00 USD');
    expect(formatMoneyCode(14900, '')).toBe('149.00'); // a sale Stripe reported without a currency
  });

  it('zero-decimal currencies: whole units, not hundredths (¥500 is 500, not 5)', () => {
    expect(formatMoney(500, 'jpy')).toBe('¥500');
    expect(formatMoney(12000, 'krw')).toBe('₩12,000');
    expect(formatMoneyCode(500, 'jpy')).toBe('500 JPY');
  });

  it('three-decimal currencies: thousandths', () => {
    expect(formatMoneyCode(1500, 'kwd')).toBe('1.500 KWD');
    expect(formatMoney(1500, 'kwd')).toBe('KWD\u00a01.500'); // Intl puts a no-break space after a code
  });

  it('the compatibility currencies Stripe sends with two decimals stay at two', () => {
    expect(formatMoneyCode(100000, 'huf')).toBe('1000.00 HUF');
    expect(formatMoneyCode(50000, 'isk')).toBe('500.00 ISK');
  });
});
