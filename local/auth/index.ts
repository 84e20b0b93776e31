// Public API of the local Clerk stand-in: key pair, session-token minting, publishable key and the HTTP server
// (Backend API slice + sign-in pages) that the local stack and the tests use while Clerk is out of reach.
export { createEphemeralKeyPair, loadOrCreateKeyPair, type LocalKeyPair } from './keys';
export { mintSessionToken, type MintOptions } from './tokens';
export { localPublishableKey } from './publishable-key';
export { startClerkStandIn, type ClerkStandIn, type ClerkStandInOptions } from './server';
export type { HandshakeFaultKind } from './handshake';
export type { ClerkApiRecord } from './backend-api';
export type { ClerkFaultKind } from './faults';
export type { DemoUser } from './users';
