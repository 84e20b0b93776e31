// GET|POST /api/bench/noop — an edge route that does nothing: the framework's floor for `npm run bench` (404 unless
// BILLING_BENCH_ROUTES=1).
import { env } from '@/env';

export const runtime = 'edge';

function noop(): Response {
  return new Response(null, { status: env.BILLING_BENCH_ROUTES === '1' ? 204 : 404 });
}

export const GET = noop;
export const POST = noop;
