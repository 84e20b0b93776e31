// Money for operators' terminals: a Stripe amount (the currency's smallest unit) as "149.00 USD", "500 JPY"; an
// unknown currency (an unmatched sale Stripe reported without one) shows the amount alone, in two decimals.
import { minorUnitDigits } from './minor-unit-digits';

export function formatMoneyCode(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const figure = (amount / 10 ** digits).toFixed(digits);
  return currency ? `${figure} ${currency.toUpperCase()}` : figure;
}
