// Dashboard page: charges with their refunds and disputes; refund (full or partial), open a dispute, close it won or lost.
import type { LocalStack } from '../stack';
import { actionForm, esc, money, table, when } from './html';

export function paymentsPage(stack: LocalStack): string {
  const { charges, refunds, disputes } = stack.stripe.payments();
  const chargeRows = charges
    .sort((a, b) => b.created - a.created)
    .map((c) => [
      `<code>${esc(c.id)}</code><br><code>${esc(c.payment_intent as string)}</code>`,
      esc(when(c.created)),
      esc(c.customer as string),
      esc(money(c.amount, c.currency)),
      esc(money(c.amount_refunded, c.currency)),
      esc(c.disputed ? 'disputed' : c.status),
      actionForm('refund', 'Refund', { target: c.id }, '<input name="amount" placeholder="cents (all)" inputmode="numeric">') +
        actionForm('dispute', 'Open dispute', { target: c.id }),
    ]);
  const refundRows = refunds.map((r) => [`<code>${esc(r.id)}</code>`, `<code>${esc(r.charge as string)}</code>`, esc(money(r.amount, r.currency)), esc(r.status)]);
  const disputeRows = disputes.map((d) => [
    `<code>${esc(d.id)}</code>`,
    `<code>${esc(d.charge as string)}</code>`,
    esc(money(d.amount, d.currency)),
    esc(d.status),
    d.status === 'won' || d.status === 'lost' ? '' : actionForm('dispute', 'Close: won', { target: d.id, outcome: 'won' }) + actionForm('dispute', 'Close: lost', { target: d.id, outcome: 'lost' }),
  ]);
  return `<h2>Payments (charges)</h2>${table(['charge / payment intent', 'created', 'customer', 'amount', 'refunded', 'status', ''], chargeRows)}
<h2>Refunds</h2>${table(['refund', 'charge', 'amount', 'status'], refundRows)}
<h2>Disputes</h2>${table(['dispute', 'charge', 'amount', 'status', ''], disputeRows)}`;
}
