// Server-to-server authentication for the booking service: `Authorization: Bearer <CREDITS_SERVICE_SECRET>`,
// compared in constant time (digests of equal length, every byte compared) so timing reveals nothing of the secret.
const encoder = new TextEncoder();
const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

export async function verifyServiceSecret(request: Request, secret: string | undefined): Promise<boolean> {
  const presented = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!secret || !presented) return false;
  const [a, b] = await Promise.all([digest(presented), digest(secret)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
