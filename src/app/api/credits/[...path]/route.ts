// POST /api/credits/{spend,holds,holds/:id/confirm,holds/:id/release} and their /api/credits/service/… twins.
// Not behind clerkMiddleware, like checkout: the core verifies the buyer's session (or the booking service's secret).
import { handleCreditsRequest } from '@/lib/credits';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

function credits(request: Request): Promise<Response> {
  return handleCreditsRequest(request, { ...billingServices(), log: jsonLogger });
}

export const POST = credits;
// Other methods get the same JSON 405 as every other billing error, instead of Next's empty one.
export const GET = credits;
export const PUT = credits;
export const PATCH = credits;
export const DELETE = credits;
