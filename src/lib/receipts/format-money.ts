// Money for people: a Stripe amount (the currency's smallest unit) and an ISO currency to "$79.00", "¥500".
import { minorUnitDigits } from './minor-unit-digits';

export function formatMoney(amount: number, currency = 'usd'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 10 ** minorUnitDigits(currency));
}
