// How many decimals a Stripe amount carries in its currency. Stripe amounts are in the currency's smallest unit:
// cents for most, whole units for the zero-decimal currencies, thousandths for the three-decimal ones
// (docs.stripe.com/currencies). ISK, HUF and TWD are sent with two decimals for compatibility, so they stay at 2.
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function minorUnitDigits(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  return THREE_DECIMAL.has(code) ? 3 : 2;
}
