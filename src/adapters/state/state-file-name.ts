// Which file of the state folder holds an object's state: the store names files by it, and a
// state file's own key is checked against it (state-file-shape.ts).
import { createHash } from 'node:crypto';

/**
 * The longest base64url name kept as it is: a file name holds at most 255 bytes, and the lock,
 * temp and stale names add up to 38 more. A longer key is named by its SHA-256 instead.
 */
const MAX_ENCODED_NAME = 200;

/**
 * Object keys are GUIDs; anything else (the DN of an object that has no objectGUID, as in an LDIF
 * snapshot or a directory other than AD) is encoded into a safe file name (base64url: no '/',
 * no '.'), and a long one (a deep DN) hashed, or its lock could not be created (ENAMETOOLONG).
 * 'sha256.' holds a '.', which base64url never does: the two kinds of names never meet.
 */
export function fileNameFor(key: string): string {
  if (/^[0-9a-fA-F-]{36}$/.test(key)) return key.toLowerCase();
  const encoded = Buffer.from(key).toString('base64url');
  return encoded.length <= MAX_ENCODED_NAME ? encoded : `sha256.${createHash('sha256').update(key).digest('hex')}`;
}
