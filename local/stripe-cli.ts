// `npm run local:stripe -- <command>`: what the dashboard does, for scripts and CI, in the spirit of `stripe trigger`.
// It talks to the running `npm run local` over its control URL (from .local/stack.env). Prints JSON; one-line errors.
import { parseArgs } from 'node:util';
import { parseDuration, type FaultService } from './actions';
import { runAgainstStack } from './stack-cli';

const USAGE = `usage: npm run local:stripe -- <command>
  refund <ch_…|cs_…|pi_…> [--amount CENTS]      refund all, or CENTS, of the payment
  dispute <ch_…|cs_…|pi_…> [--won|--lost]       open a dispute (and close it won or lost)
  dispute <du_…|dp_…> --won|--lost              close an open dispute
  deliver <evt_…>                               redeliver an event to the app's webhook
  fault stripe|clerk|neon [--count N]           the next N calls to that service answer 500
  rate-limit on|off                             Stripe's test-mode rate limit (25/s per endpoint)
  clock +24h                                    move the emulator's clock (idempotency keys expire after 24 h)
  session-ttl SECONDS                           browser session tokens live SECONDS from their next refresh (Clerk: 60)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { amount: { type: 'string' }, won: { type: 'boolean' }, lost: { type: 'boolean' }, count: { type: 'string' }, help: { type: 'boolean' } },
});
const [command, arg] = positionals;

await runAgainstStack(USAGE, values.help || !command ? undefined : async (control) => {
  if (!arg) throw new Error(`${command} needs an argument\n${USAGE}`);
  switch (command) {
    case 'refund':
      return control.action('refund', arg, values.amount === undefined ? undefined : Number(values.amount));
    case 'dispute':
      return control.action('dispute', arg, values.won ? 'won' : values.lost ? 'lost' : undefined);
    case 'deliver':
      return control.action('deliver', arg);
    case 'fault':
      return control.action('fault', arg as FaultService, values.count === undefined ? 1 : Number(values.count));
    case 'rate-limit':
      if (arg !== 'on' && arg !== 'off') throw new Error('rate-limit on|off');
      return control.action('rateLimit', arg === 'on');
    case 'clock':
      return control.action('clock', parseDuration(arg));
    case 'session-ttl':
      return control.action('sessionTtl', Number(arg));
    default:
      throw new Error(`unknown command ${command}\n${USAGE}`);
  }
});
