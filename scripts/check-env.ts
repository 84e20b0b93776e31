// `npm run check:env`: validates the environment (.env.local / .env / the shell) and prints every problem at once.
// With `--live` it then checks the configuration against Stripe and Clerk themselves (scripts/stripe/doctor.ts).
import './load-local-env';

let ok = true;
try {
  await import('../src/env');
  console.log('Environment OK');
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  ok = false;
}
if (process.argv.includes('--live')) {
  try {
    // Loaded only here: the doctor reads the server-only catalogue (npm scripts run tsx with --conditions=react-server).
    const { runDoctor } = await import('./stripe/doctor');
    // It reports its own findings, including the variables env validation already complained about.
    if ((await runDoctor({ env: { ...process.env } })).length > 0) ok = false;
  } catch (err) {
    console.error(`Live check could not finish (${err instanceof Error ? err.message : String(err)}); retrying may help.`);
    ok = false;
  }
}
process.exit(ok ? 0 : 1);
