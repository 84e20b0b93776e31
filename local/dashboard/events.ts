// Dashboard page: events, newest first, with each delivery attempt to the app's webhook; redeliver one.
import type { LocalStack } from '../stack';
import { actionForm, esc, table, when } from './html';

export function eventsPage(stack: LocalStack): string {
  const rows = stack.stripe
    .events()
    .sort((a, b) => b.created - a.created)
    .map((e) => {
      const attempts = stack.stripe.deliveries.filter((d) => d.eventId === e.id).map((d) => esc(d.status ?? 'no answer'));
      const object = e.data.object as { id?: string };
      return [`<code>${esc(e.id)}</code>`, esc(e.type), `<code>${esc(object.id)}</code>`, esc(when(e.created)), attempts.join(', ') || 'none', actionForm('deliver', 'Redeliver', { target: e.id })];
    });
  return table(['event', 'type', 'object', 'created', 'delivery attempts (HTTP status)', ''], rows);
}
