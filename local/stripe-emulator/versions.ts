// Stripe-Version values the emulator accepts: its own pinned version and older dated releases; anything else (a typo,
// a future date, a made-up name) is refused with 400, as Stripe refuses versions it does not know.
import { errors } from './errors';
import { API_VERSION } from './types';

const RELEASES = ['acacia', 'basil', 'clover'];
const FORMAT = /^(\d{4}-\d{2}-\d{2})(?:\.([a-z]+))?$/;

export function checkApiVersion(version: string | null): void {
  if (version === null) return; // the account's default version applies
  const m = FORMAT.exec(version);
  const pinnedDate = API_VERSION.slice(0, 10);
  const known =
    m !== null &&
    !Number.isNaN(Date.parse(m[1] ?? '')) &&
    (m[1] ?? '') <= pinnedDate &&
    (m[2] === undefined || RELEASES.includes(m[2]));
  if (!known) throw errors.invalidApiVersion(version);
}
