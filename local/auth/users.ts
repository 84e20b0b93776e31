// The stand-in's user directory: demo users held as Clerk user records, serialised in the Backend API's JSON shape
// (what @clerk/backend's User.fromJSON reads), with Clerk's metadata update rules (deep merge, null deletes).
import { entries, refill } from '../persisted-state';
import { clerkId } from './tokens';

export interface DemoUser {
  id: string;
  email: string;
  firstName?: string;
  publicMetadata?: Record<string, unknown>;
}

type Metadata = Record<string, unknown>;

export interface UserRecord {
  id: string;
  email: string;
  emailId: string;
  firstName: string | null;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  unsafeMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
}

/** A Clerk Backend API `user` object (timestamps in ms, as Clerk sends them). */
export interface ClerkUserJSON {
  object: 'user';
  id: string;
  [field: string]: unknown;
}

export type MetadataField = 'public_metadata' | 'private_metadata' | 'unsafe_metadata';
export const METADATA_FIELDS: readonly MetadataField[] = ['public_metadata', 'private_metadata', 'unsafe_metadata'];

export const isPlainObject = (v: unknown): v is Metadata => typeof v === 'object' && v !== null && !Array.isArray(v);

// defineProperty, not assignment: a JSON key `__proto__` must stay data, not replace the object's prototype.
function setOwn(target: Metadata, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Clerk's updateUserMetadata rule: nested objects merge, `null` removes a key at any depth, anything else replaces. */
export function mergeMetadata(base: Metadata, patch: Metadata): Metadata {
  const out: Metadata = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isPlainObject(v)) setOwn(out, k, mergeMetadata(isPlainObject(out[k]) ? out[k] : {}, v));
    else setOwn(out, k, v);
  }
  return out;
}

const clone = <T>(value: T): T => structuredClone(value);

export class UserDirectory {
  private readonly records = new Map<string, UserRecord>();

  constructor(users: DemoUser[]) {
    for (const user of users) this.add(user);
  }

  add(user: DemoUser): void {
    if (typeof user?.id !== 'string' || !user.id) throw new Error('addUser: id is required');
    if (typeof user.email !== 'string' || !user.email.includes('@')) throw new Error(`addUser: ${user.id} needs an email address`);
    if (user.publicMetadata !== undefined && !isPlainObject(user.publicMetadata)) throw new Error(`addUser: ${user.id} publicMetadata must be an object`);
    // Clerk user ids are unique; silently replacing one would hide a test that reuses an id.
    if (this.records.has(user.id)) throw new Error(`addUser: a user with id ${user.id} already exists`);
    const now = Date.now();
    this.records.set(user.id, {
      id: user.id,
      email: user.email,
      emailId: clerkId('idn'),
      firstName: user.firstName ?? null,
      publicMetadata: clone(user.publicMetadata ?? {}),
      privateMetadata: {},
      unsafeMetadata: {},
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
    });
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  /** Copies, so callers cannot change the directory behind the API's back. */
  /** The records as JSON, and back (`npm run local` persists them beside the database). */
  snapshot(): [string, UserRecord][] {
    return entries(this.records);
  }

  restore(records: [string, UserRecord][]): void {
    refill(this.records, records);
  }

  list(): DemoUser[] {
    return [...this.records.values()].map((r) => ({
      id: r.id,
      email: r.email,
      ...(r.firstName !== null && { firstName: r.firstName }),
      publicMetadata: clone(r.publicMetadata),
    }));
  }

  get(id: string): DemoUser | undefined {
    return this.list().find((u) => u.id === id);
  }

  recordSignIn(id: string): void {
    const r = this.records.get(id);
    if (r) r.lastSignInAt = Date.now();
  }

  /** `merge` is PATCH …/metadata (updateUserMetadata), `replace` is PUT …/metadata (replaceUserMetadata). */
  updateMetadata(id: string, patch: Partial<Record<MetadataField, Metadata>>, mode: 'merge' | 'replace'): ClerkUserJSON | undefined {
    const r = this.records.get(id);
    if (!r) return undefined;
    const apply = (current: Metadata, next: Metadata | undefined) =>
      next === undefined ? current : mode === 'merge' ? mergeMetadata(current, next) : clone(next);
    r.publicMetadata = apply(r.publicMetadata, patch.public_metadata);
    r.privateMetadata = apply(r.privateMetadata, patch.private_metadata);
    r.unsafeMetadata = apply(r.unsafeMetadata, patch.unsafe_metadata);
    r.updatedAt = Date.now();
    return this.json(id);
  }

  json(id: string): ClerkUserJSON | undefined {
    const r = this.records.get(id);
    return r && toClerkJson(r);
  }
}

// Every field UserJSON declares is present (null / empty where the stand-in has nothing), so code reading a field
// we did not think of gets what a Clerk user without that feature would give, not `undefined`.
function toClerkJson(r: UserRecord): ClerkUserJSON {
  return {
    object: 'user',
    id: r.id,
    username: null,
    first_name: r.firstName,
    last_name: null,
    image_url: '',
    has_image: false,
    primary_email_address_id: r.emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [
      {
        id: r.emailId,
        object: 'email_address',
        email_address: r.email,
        reserved: false,
        verification: { status: 'verified', strategy: 'admin', attempts: null, expire_at: null },
        linked_to: [],
        matches_sso_connection: false,
        created_at: r.createdAt,
        updated_at: r.createdAt,
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    organization_memberships: null,
    password_last_updated_at: null,
    public_metadata: clone(r.publicMetadata),
    private_metadata: clone(r.privateMetadata),
    unsafe_metadata: clone(r.unsafeMetadata),
    external_id: null,
    last_sign_in_at: r.lastSignInAt,
    banned: false,
    locked: false,
    deprovisioned: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    last_active_at: r.lastSignInAt,
    create_organization_enabled: true,
    create_organizations_limit: null,
    delete_self_enabled: true,
    legal_accepted_at: null,
    locale: null,
    timezone: null,
  };
}
