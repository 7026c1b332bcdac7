// A watch on the bytes a domain controller sends, before ldapts reads them. ldapts keeps every
// byte of a message until the message is complete, and every entry of a search until its
// SearchResultDone, without a bound; it drops data that is not an LDAP message and waits on.
// This reads only the frame of each message (its outer SEQUENCE, messageID and protocol op)
// and ends the connection when the server sends what no domain controller sends: data that is
// not a BER SEQUENCE, one message larger than MAX_MESSAGE_BYTES, or one search answer (the
// entries and references of a messageID) over MAX_RESPONSE_BYTES or MAX_RESPONSE_MESSAGES.
// ldapts then rejects the pending operations with the reason, which errors.ts names.
import type { Socket } from 'node:net';

/** One LDAP message at most (a base read of an object with a 100 KB photo is far below). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** One search answer at most (a page of 1,000 entries of 1,500 member values each is ~150 MB). */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Entries and references of one search answer at most (a page holds 1,000 at most). */
export const MAX_RESPONSE_MESSAGES = 5_000;

/** The start of the text of a connection the guard ended (errors.ts finds it in ldapts's message). */
export const WIRE_REFUSAL = 'LDAP answer refused:';

const SEARCH_ENTRY = 0x64;
const SEARCH_REFERENCE = 0x73;

interface Frame {
  /** Body bytes of the current message still to come (after its header). */
  remaining: number;
  /** Header bytes of the next message, while it is incomplete. */
  header: Buffer;
  /** Per messageID: the bytes and messages of a search answer so far. */
  answers: Map<number, { bytes: number; messages: number }>;
}

/** The outer length, the messageID and the protocol op of a message header, or undefined while incomplete. */
function readHeader(header: Buffer): { problem: string } | { headerLength: number; bodyLength: number; messageId: number; op: number } | undefined {
  if (header.length < 2) return undefined;
  if (header[0] !== 0x30) return { problem: `data that is not an LDAP message (a message starts with a BER SEQUENCE, 0x30; this starts with 0x${header[0]!.toString(16).padStart(2, '0')})` };
  let offset = 1;
  const first = header[offset++]!;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0) return { problem: 'an LDAP message of indefinite length (BER forbids it in LDAP)' };
    if (count > 4) return { problem: `an LDAP message whose length takes ${count} bytes` };
    if (header.length < offset + count) return undefined;
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + header[offset++]!;
  }
  const outerHeader = offset;
  if (length > MAX_MESSAGE_BYTES) return { problem: `one LDAP message of ${length} bytes, more than the ${MAX_MESSAGE_BYTES} bytes accepted` };
  // messageID: INTEGER, 1 to 4 bytes.
  if (header.length < offset + 2) return undefined;
  if (header[offset] !== 0x02) return { problem: 'an LDAP message without a messageID' };
  const idLength = header[offset + 1]!;
  if (idLength < 1 || idLength > 4) return { problem: 'an LDAP message with a malformed messageID' };
  offset += 2;
  if (header.length < offset + idLength + 1) return undefined;
  let messageId = 0;
  for (let k = 0; k < idLength; k++) messageId = messageId * 256 + header[offset++]!;
  const op = header[offset]!;
  if (length < offset + 1 - outerHeader) return { problem: 'an LDAP message shorter than its own header' };
  return { headerLength: outerHeader, bodyLength: length, messageId, op };
}

/** Reads the frames of `data`: the reason to end the connection, or undefined. */
function scan(frame: Frame, data: Buffer): string | undefined {
  let at = 0;
  while (at < data.length) {
    if (frame.remaining > 0) {
      const take = Math.min(frame.remaining, data.length - at);
      frame.remaining -= take;
      at += take;
      continue;
    }
    // At a message start: gather its header (a few bytes) across chunks.
    const need = Math.min(16, data.length - at);
    const header = frame.header.length ? Buffer.concat([frame.header, data.subarray(at, at + need)]) : data.subarray(at, at + need);
    const read = readHeader(header);
    if (read === undefined) {
      if (header.length >= 16) return 'an LDAP message header that does not parse';
      frame.header = Buffer.from(header);
      at += need;
      continue;
    }
    if ('problem' in read) return read.problem;
    // The header bytes already held from earlier chunks count as consumed.
    const consumedBefore = frame.header.length;
    frame.header = Buffer.alloc(0);
    const total = read.headerLength + read.bodyLength;
    const usedHere = total - consumedBefore;
    if (read.op === SEARCH_ENTRY || read.op === SEARCH_REFERENCE) {
      const answer = frame.answers.get(read.messageId) ?? { bytes: 0, messages: 0 };
      answer.bytes += total;
      answer.messages++;
      frame.answers.set(read.messageId, answer);
      if (answer.messages > MAX_RESPONSE_MESSAGES) return `more than ${MAX_RESPONSE_MESSAGES} entries and references in one search answer (a page holds 1,000 at most)`;
      if (answer.bytes > MAX_RESPONSE_BYTES) return `more than ${MAX_RESPONSE_BYTES} bytes in one search answer`;
    } else {
      frame.answers.delete(read.messageId); // the operation's final answer
    }
    const available = data.length - at;
    if (usedHere <= available) {
      at += usedHere;
    } else {
      frame.remaining = usedHere - available;
      at = data.length;
    }
  }
  return undefined;
}

const guards = new WeakMap<Socket, (data: Buffer) => void>();

/** Watches what `socket` receives (decrypted, for TLS) and ends it with WIRE_REFUSAL on a breach. */
export function guardSocket<S extends Socket>(socket: S): S {
  const frame: Frame = { remaining: 0, header: Buffer.alloc(0), answers: new Map() };
  let ended = false;
  const onData = (data: Buffer) => {
    if (ended) return;
    const problem = scan(frame, data);
    if (problem) {
      ended = true;
      socket.destroy(new Error(`${WIRE_REFUSAL} the server sent ${problem}`));
    }
  };
  guards.set(socket, onData);
  socket.prependListener('data', onData);
  return socket;
}

/** Stops watching a socket whose bytes now carry TLS (StartTLS: the TLS socket is watched instead). */
export function unguardSocket(socket: Socket | undefined): void {
  const onData = socket ? guards.get(socket) : undefined;
  if (socket && onData) {
    socket.removeListener('data', onData);
    guards.delete(socket);
  }
}
