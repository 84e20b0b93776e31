// `npm run stripe:setup [-- --dry-run] [--live] [--write-to .env.local]`: see scripts/stripe/setup.ts.
import { envSource } from './load-local-env';
import { runStripeSetup } from './stripe/setup';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const envFileArg = args.indexOf('--write-to');
const envFile = envFileArg >= 0 ? (args[envFileArg + 1] ?? '.env.local') : '.env.local';

const secretKey = process.env.STRIPE_SECRET_KEY;
const appUrl = process.env.NEXT_PUBLIC_APP_URL;
if (!secretKey || !appUrl) {
  console.error('stripe:setup needs STRIPE_SECRET_KEY (Stripe Dashboard → Developers → API keys) and NEXT_PUBLIC_APP_URL (your site’s origin) in .env.local or the shell.');
  process.exit(1);
}
if (envSource === 'stack' && !flag('--dry-run')) {
  console.error('stripe:setup: the local stack is already set up by `npm run local` (prices and webhook endpoint); run it with -- --dry-run to check.');
  process.exit(1);
}
try {
  await runStripeSetup({ secretKey, appUrl, apiBase: process.env.STRIPE_API_BASE || undefined, envFile, dryRun: flag('--dry-run'), live: flag('--live') });
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
