// Dashboard page: the app's users and its credit ledger (credit_entries), read from the database through the stack.
import type { LocalStack } from '../stack';
import { esc, table } from './html';

function text(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}
const cells = (row: Record<string, unknown>, columns: string[]) => columns.map((c) => esc(text(row[c])));

export async function ledgerPage(stack: LocalStack): Promise<string> {
  const users = await stack.neon.query('select id, clerk_user_id, email, credit_balance, stripe_customer_id from users order by created_at');
  const entries = await stack.neon.query(
    'select e.created_at, u.email, e.kind, e.credits, e.shortfall, e.balance_after, e.cause from credit_entries e join users u on u.id = e.user_id order by e.created_at desc limit 200',
  );
  const userColumns = ['id', 'clerk_user_id', 'email', 'credit_balance', 'stripe_customer_id'];
  const entryColumns = ['created_at', 'email', 'kind', 'credits', 'shortfall', 'balance_after', 'cause'];
  return `<h2>Users</h2>${table(userColumns, users.map((u) => cells(u, userColumns)))}
<h2>Ledger (latest 200 entries)</h2>${table(entryColumns, entries.map((e) => cells(e, entryColumns)))}`;
}
