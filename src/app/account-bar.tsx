// Who is signed in, on every page: the buyer's email (from the session token) and a sign-out button; signed out, a
// sign-in link that comes back to this very page. Plain HTML: no client-side auth script.
import { auth } from '@clerk/nextjs/server';
import { env } from '@/env';
import { identityFromClaims } from '@/lib/identity';

/** Where "Sign in" goes: the Clerk stand-in locally, the Account Portal's sign-in page in production. */
export function signInHref(returnTo: string): string {
  const url = new URL(env.NEXT_PUBLIC_SIGN_IN_URL ?? '/sign-in', env.NEXT_PUBLIC_APP_URL);
  url.searchParams.set('redirect_url', new URL(returnTo, env.NEXT_PUBLIC_APP_URL).href);
  return url.href;
}

export async function AccountBar({ returnTo }: { returnTo: string }) {
  const { userId, sessionClaims } = await auth();
  const identity = identityFromClaims(userId, sessionClaims);
  return (
    <nav className="account" aria-label="Account">
      {identity ? (
        <>
          <span>
            Signed in as <strong data-testid="account-email">{identity.email ?? 'your account'}</strong>
          </span>
          <form method="post" action="/sign-out">
            <button className="link-button" type="submit">Sign out</button>
          </form>
        </>
      ) : (
        <a className="button secondary" href={signInHref(returnTo)}>Sign in</a>
      )}
    </nav>
  );
}
