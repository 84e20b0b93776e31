// Request authentication outside Next.js (workerd, Node, tests): verifies a Clerk session token from
// `Authorization: Bearer` or the `__session` cookie with @clerk/backend, networkless given the JWT public key.
import { verifyToken } from '@clerk/backend';
import { identityFromClaims, type BuyerIdentity } from './identity';

function sessionToken(request: Request): string | null {
  const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  const cookie = request.headers.get('cookie') ?? '';
  const match = cookie.match(/(?:^|;\s*)__session=([^;]+)/);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** Only tokens whose `azp` is the app's origin pass, Bearer included, as clerkMiddleware's `authorizedParties`. */
export function authenticateWithJwtKey(jwtKey: string, appUrl: string): (request: Request) => Promise<BuyerIdentity | null> {
  const authorizedParties = [new URL(appUrl).origin];
  return async (request) => {
    const token = sessionToken(request);
    if (!token) return null;
    try {
      const claims = await verifyToken(token, { jwtKey, authorizedParties });
      return identityFromClaims(claims.sub, claims);
    } catch {
      // Expired, wrongly signed, `alg: none`…: all simply signed out.
      return null;
    }
  };
}
