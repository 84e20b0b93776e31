// Money for operators' terminals: a Stripe amount (the currency's smallest unit) as "149.00 USD", "500 JPY".
import { minorUnitDigits } from './minor-unit-digits';

export function formatMoneyCode(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
}
