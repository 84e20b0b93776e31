// Dashboard page: fail the next Stripe / Clerk / Neon call, Stripe's rate limit, the idempotency clock, buyers' token
// lifetime, a token for curl.
import type { LocalStack } from '../stack';
import { actionForm, esc } from './html';

export function controlsPage(stack: LocalStack): string {
  const faults = (['stripe', 'clerk', 'neon'] as const).map((s) => actionForm('fault', `Fail the next ${s} call`, { service: s })).join('');
  const users = stack.clerk.users().map((u) => `<option value="${esc(u.id)}">${esc(u.firstName ?? u.email)}</option>`).join('');
  return `<h2>Faults</h2><p>The next call answers 500 (the app's retries count as calls).</p>${faults}
<h2>Stripe's rate limit</h2>${actionForm('rate-limit', 'On (25/s per endpoint, as test mode)', { on: 'on' })}${actionForm('rate-limit', 'Off', { on: 'off' })}
<h2>Idempotency clock</h2><p>Stripe keeps idempotency keys 24 h: move the emulator's clock past that.</p>${actionForm('clock', 'Move +24h', { by: '+24h' })}
<h2>Expire buyers' tokens</h2><p>Session tokens live 60 s, as Clerk's; at 5 s a buyer's token has expired by their next press
(the page's next load refreshes it through the handshake, a form POST arrives signed out).</p>${actionForm('session-ttl', 'Tokens live 5 s', { seconds: '5' })}${actionForm('session-ttl', 'Back to 60 s', { seconds: '60' })}
<h2>Session token for curl</h2><form method="post" action="/actions/token"><select name="user">${users}</select> <input name="ttl" value="3600" inputmode="numeric"> s <button>Mint</button></form>`;
}
