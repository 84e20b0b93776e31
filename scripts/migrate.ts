// `npm run db:migrate`: applies drizzle/ to DATABASE_URL over Neon's HTTP driver (the same path the app uses).
import './load-local-env';
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { migrate } from 'drizzle-orm/neon-http/migrator';

// Tooling, not the app: it needs only these two variables, not the whole validated configuration.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is missing: Neon Console → your project → Connection string');
  process.exit(1);
}
if (process.env.NEON_FETCH_ENDPOINT) neonConfig.fetchEndpoint = process.env.NEON_FETCH_ENDPOINT;
await migrate(drizzle(neon(url)), { migrationsFolder: 'drizzle' });
console.log('Migrations applied.');
