// The RS256 key pair that stands in for a Clerk instance's signing key: the private half mints session tokens, the
// public PEM is what the app gets as CLERK_JWT_KEY. Persisted so a running browser session survives a restart.
import { randomBytes, createPublicKey } from 'node:crypto';
import { mkdir, readFile, writeFile, link, unlink, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8 } from 'jose';

export interface LocalKeyPair {
  privateKey: CryptoKey;
  publicKeyPem: string;
  kid: string;
}

const PRIVATE_FILE = 'private.pem';
const PUBLIC_FILE = 'public.pem';

// Clerk's kid is the instance id (`ins_…`). Deriving ours from the public key keeps it stable across reloads
// without storing it, and distinct for distinct keys.
async function kidOf(publicKeyPem: string): Promise<string> {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' });
  const thumbprint = await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e });
  return `ins_local_${thumbprint.replace(/[-_]/g, '').slice(0, 20)}`;
}

export async function createEphemeralKeyPair(): Promise<LocalKeyPair> {
  // Extractable so the test harness can look for the private key in what the app prints.
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  return { privateKey, publicKeyPem, kid: await kidOf(publicKeyPem) };
}

async function fromPrivatePem(privatePem: string, file: string): Promise<LocalKeyPair> {
  let privateKey: CryptoKey;
  try {
    privateKey = await importPKCS8(privatePem, 'RS256');
  } catch (err) {
    // Never regenerate over an unreadable key: the user may want it back, and a silent new key signs everyone out.
    throw new Error(`loadOrCreateKeyPair: ${file} is not a PKCS8 RSA private key (delete it to get a new one): ${String(err)}`);
  }
  // The private key is the source of truth; the public PEM is derived, so the two files can never disagree.
  const publicKeyPem = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, kid: await kidOf(publicKeyPem) };
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const tempName = (file: string) => `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

// link() refuses to replace an existing file: when two processes (e.g. parallel test workers) create a key at the
// same time, exactly one wins and the other loads the winner's key instead of overwriting it.
async function createExclusively(file: string, content: string): Promise<boolean> {
  const temp = tempName(file);
  await writeFile(temp, content, { mode: 0o600 });
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writePublicPem(file: string, pem: string): Promise<void> {
  if ((await readIfExists(file)) === pem) return;
  const temp = tempName(file);
  await writeFile(temp, pem, { mode: 0o644 });
  await rename(temp, file);
}

export async function loadOrCreateKeyPair(dir = '.local/auth'): Promise<LocalKeyPair> {
  const root = resolve(process.cwd(), dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const privateFile = join(root, PRIVATE_FILE);

  let privatePem = await readIfExists(privateFile);
  if (privatePem === null) {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const created = await exportPKCS8(privateKey);
    privatePem = (await createExclusively(privateFile, created)) ? created : await readFile(privateFile, 'utf8');
  }
  const pair = await fromPrivatePem(privatePem, privateFile);
  await writePublicPem(join(root, PUBLIC_FILE), pair.publicKeyPem);
  return pair;
}
