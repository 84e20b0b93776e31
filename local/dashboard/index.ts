// The local dashboard, served by the stack's control server (local/control.ts) in test mode only: one page per
// resource, each action a form that POSTs to /actions/<name> and redirects back with what happened.
import { stackActions, parseDuration, type FaultService, type StackActions } from '../actions';
import type { PageHandler } from '../control';
import type { LocalStack } from '../stack';
import { controlsPage } from './controls';
import { eventsPage } from './events';
import { esc, page, PAGES } from './html';
import { ledgerPage } from './ledger';
import { paymentsPage } from './payments';
import { sessionsPage } from './sessions';

type Form = URLSearchParams;

const optionalCents = (form: Form) => {
  const raw = form.get('amount')?.trim();
  return raw ? Number(raw) : undefined;
};
const outcome = (form: Form) => (form.get('outcome') === 'won' ? 'won' : form.get('outcome') === 'lost' ? 'lost' : undefined);

// Each action turns the form into a call of local/actions.ts and says in one line what it did.
const ACTIONS: Record<string, (a: StackActions, form: Form) => Promise<string>> = {
  refund: async (a, f) => {
    const r = await a.refund(f.get('target') ?? '', optionalCents(f));
    return `Refunded ${r.amount} cents of ${r.charge} (${r.refund}).`;
  },
  dispute: async (a, f) => {
    const d = await a.dispute(f.get('target') ?? '', outcome(f));
    return `Dispute ${d.dispute}: ${d.status}.`;
  },
  deliver: async (a, f) => `Redelivered ${(await a.deliver(f.get('target') ?? '')).event}.`,
  fault: async (a, f) => {
    const r = await a.fault(f.get('service') as FaultService, Number(f.get('count') ?? 1));
    return `The next ${r.count} ${r.service} call(s) will fail.`;
  },
  'rate-limit': async (a, f) => ((await a.rateLimit(f.get('on') === 'on')).rateLimit ? 'Stripe rate-limits at 25/s per endpoint.' : 'Rate limit off.'),
  'session-ttl': async (a, f) => `Session tokens now live ${(await a.sessionTtl(Number(f.get('seconds')))).sessionTtlSeconds} s from their next refresh.`,
  clock: async (a, f) => `Clock moved by ${(await a.clock(parseDuration(f.get('by') ?? ''))).advancedMs / 3_600_000} h.`,
};

export function dashboardPages(stack: LocalStack): PageHandler {
  const actions = stackActions(stack);
  return async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.local');
    if (req.method === 'GET') {
      const entry = PAGES.find(([path]) => path === url.pathname);
      if (!entry) return false;
      const render = { '/': paymentsPage, '/sessions': sessionsPage, '/events': eventsPage, '/ledger': ledgerPage, '/controls': controlsPage }[entry[0]];
      const flash = url.searchParams.get('done') ?? url.searchParams.get('error');
      const flashHtml = flash ? `<p class="flash${url.searchParams.has('error') ? ' error' : ''}" role="status">${esc(flash)}</p>` : '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(entry[1], entry[0], await render(stack), flashHtml));
      return true;
    }
    const name = /^\/actions\/([a-z-]+)$/.exec(url.pathname)?.[1];
    if (req.method !== 'POST' || !name) return false;
    const form = new URLSearchParams(body);
    if (name === 'token') {
      const t = await actions.token(form.get('user') ?? '', Number(form.get('ttl') || 3600));
      const html = `<p>For ${esc(t.userId)}, valid until ${esc(t.expiresAt)}:</p><pre style="white-space:pre-wrap;word-break:break-all">${esc(t.token)}</pre><p><a href="/controls">Back</a></p>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Session token', '/controls', html));
      return true;
    }
    const run = ACTIONS[name];
    if (!run) return false;
    const back = PAGES.find(([path]) => path === new URL(req.headers.referer ?? '/', 'http://dashboard.local').pathname)?.[0] ?? '/';
    const result = await run(actions, form).then(
      (text): [string, string] => ['done', text],
      (err: unknown): [string, string] => ['error', err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)],
    );
    res.writeHead(303, { location: `${back}?${new URLSearchParams([result]).toString()}` }).end();
    return true;
  };
}
