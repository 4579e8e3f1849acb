/** Content hashes: SHA-256 of bytes. Pure (node:crypto computes; nothing is read or written). */
import { createHash } from 'node:crypto';

/** SHA-256 in base64: the identity of a file's bytes in the scan cache and between scan and write. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** SHA-256 in hex: how the journal records a file's original and planned bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
