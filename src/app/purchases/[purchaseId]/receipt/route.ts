// GET /purchases/:id/receipt — the owner is sent to Stripe's receipt; anyone else gets a 404 page.
import { auth } from '@clerk/nextjs/server';
import { handleReceipt } from '@/lib/receipts';
import { billingServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ purchaseId: string }> }): Promise<Response> {
  const [{ userId }, { purchaseId }] = await Promise.all([auth(), params]);
  return handleReceipt(purchaseId, { ...billingServices(), clerkUserId: userId });
}
