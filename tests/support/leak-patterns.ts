// What must never appear in a response or a log line: the stack's secrets, stack-trace frames and upstream error
// text (the stand-ins mark their injected faults). Plain functions, so the global setup can use them too.
import { FAULT_MARKER } from '@local/fault-marker';
import type { LocalStack } from '@local/stack';

export interface Needle { name: string; value: string }

export async function leakNeedles(stack: Pick<LocalStack, 'env' | 'key'>): Promise<Needle[]> {
  const { env } = stack;
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', stack.key.privateKey)).toString('base64');
  return [
    { name: 'STRIPE_SECRET_KEY', value: env.STRIPE_SECRET_KEY! },
    { name: 'STRIPE_WEBHOOK_SECRET', value: env.STRIPE_WEBHOOK_SECRET! },
    { name: 'CLERK_SECRET_KEY', value: env.CLERK_SECRET_KEY! },
    { name: 'the DATABASE_URL password', value: decodeURIComponent(new URL(env.DATABASE_URL!).password) },
    // Past the fixed ASN.1 prefix every RSA key shares, so only this key matches.
    { name: 'the session-signing private key', value: pkcs8.slice(120, 180) },
    { name: 'upstream error text', value: FAULT_MARKER },
  ].filter((n) => n.value.length >= 8);
}

const stackFrame = /^\s+at \S.*$/m;

/** Descriptions of what leaked (naming the secret, never quoting it); empty when clean. */
export function findLeaks(text: string, needles: Needle[], where: string): string[] {
  const found = needles.filter((n) => text.includes(n.value)).map((n) => `${n.name} in ${where}`);
  const frame = stackFrame.exec(text);
  if (frame) found.push(`a stack trace in ${where}: ${frame[0].trim().slice(0, 120)}`);
  return found;
}
