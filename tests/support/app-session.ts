// For tests against the real app: its URL and env once per file, and a signed-in buyer's Clerk cookies.
import { stack } from './stack';

export async function appAndEnv(): Promise<[string, Record<string, string>]> {
  return Promise.all([stack.app(), stack.env()]);
}

/** `__session` + `__client_uat` as the browser holds them after signing in (issued a few seconds ago). */
export async function sessionCookie(userId: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - 5;
  const token = await stack.mintToken({ userId, email: `${userId}@example.com`, issuedAt: iat });
  return `__session=${token}; __client_uat=${iat}`;
}
