// `npm run check:env`: validates the environment (.env.local / .env / the shell) and prints every problem at once.
import nextEnv from '@next/env';

nextEnv.loadEnvConfig(process.cwd());
try {
  await import('../src/env');
  console.log('Environment OK');
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
