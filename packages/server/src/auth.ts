/**
 * The mutual challenge–response of docs/protocol.md: HMAC-SHA256 over both nonces with the
 * per-user secret, one label per direction so neither proof can be reflected as the other.
 */
import * as crypto from 'node:crypto';

export const NONCE_BYTES = 32;
export const MAC_BYTES = 32;
export const SECRET_BYTES = 32;
const CLIENT_LABEL = Buffer.from('imessenger-client', 'ascii');
const SERVER_LABEL = Buffer.from('imessenger-server', 'ascii');

const hmac = (secret: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const h = crypto.createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** The client's answer: HMAC(secret, "imessenger-client" || serverNonce || clientNonce). */
export const clientMac = (secret: Uint8Array, serverNonce: Uint8Array, clientNonce: Uint8Array): Buffer => hmac(secret, CLIENT_LABEL, serverNonce, clientNonce);
/** The server's proof: HMAC(secret, "imessenger-server" || clientNonce || serverNonce). */
export const serverMac = (secret: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array): Buffer => hmac(secret, SERVER_LABEL, clientNonce, serverNonce);

/** Constant-time comparison of two MACs. */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export const nonce = (): Buffer => crypto.randomBytes(NONCE_BYTES);
