// Dashboard page: the emulator's customers and Checkout Sessions.
import type { LocalStack } from '../stack';
import { esc, money, table, when } from './html';

export function sessionsPage(stack: LocalStack): string {
  const customers = stack.stripe.customers().map((c) => [`<code>${esc(c.id)}</code>`, esc(c.email), esc(JSON.stringify(c.metadata)), esc(when(c.created))]);
  const sessions = stack.stripe
    .sessions()
    .sort((a, b) => b.created - a.created)
    .map((s) => [
      `<code>${esc(s.id)}</code>`,
      esc(when(s.created)),
      esc(s.customer as string),
      esc(s.client_reference_id),
      esc(money(s.amount_total, s.currency ?? 'usd')),
      esc(`${s.status ?? ''} / ${s.payment_status}`),
      `<code>${esc(s.payment_intent as string)}</code>`,
    ]);
  return `<h2>Customers</h2>${table(['customer', 'email', 'metadata', 'created'], customers)}
<h2>Checkout Sessions</h2>${table(['session', 'created', 'customer', 'client_reference_id', 'amount', 'status / payment', 'payment intent'], sessions)}`;
}
