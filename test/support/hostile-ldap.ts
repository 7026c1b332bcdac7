// A fake LDAP server for tests: a real network peer (node:net) that speaks enough LDAPv3 BER
// for ldapts and the AD adapter to talk to it: a simple bind is answered with success, an
// unbind closes the connection, and each search request goes to the test's handler, which
// answers however the case wants (entries, references, a result with a paging cookie or a
// referral, raw bytes, a stall, a closed connection). Hand-encoded BER, so a test can also send
// what no encoder would.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

// ---- BER encoding ---------------------------------------------------------------------------

function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), berLength(content.length), content]);
}

function berInteger(tag: number, n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

const octets = (value: string | Buffer): Buffer => tlv(0x04, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));

/** An LDAPMessage: messageID, the protocol op, and controls ([0]) when given. */
export function ldapMessage(messageId: number, op: Buffer, controls?: Buffer[]): Buffer {
  return sequence(berInteger(0x02, messageId), op, ...(controls?.length ? [tlv(0xa0, Buffer.concat(controls))] : []));
}

function ldapResult(tag: number, resultCode: number, matchedDn: string, message: string, referrals?: string[]): Buffer {
  return tlv(tag, Buffer.concat([berInteger(0x0a, resultCode), octets(matchedDn), octets(message), ...(referrals?.length ? [tlv(0xa3, Buffer.concat(referrals.map((r) => octets(r))))] : [])]));
}

export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

function pagedControl(cookie: Buffer): Buffer {
  return sequence(octets(PAGED_RESULTS_OID), octets(sequence(berInteger(0x02, 0), octets(cookie))));
}

export type Values = Array<string | Buffer>;

export function searchEntry(messageId: number, dn: string, attributes: Record<string, Values>): Buffer {
  const list = Object.entries(attributes).map(([name, values]) => sequence(octets(name), tlv(0x31, Buffer.concat(values.map((v) => octets(v))))));
  return ldapMessage(messageId, tlv(0x64, Buffer.concat([octets(dn), sequence(...list)])));
}

// ---- BER decoding of requests ---------------------------------------------------------------

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(buf: Buffer, at: number): Tlv | undefined {
  if (at + 2 > buf.length) return undefined;
  const tag = buf[at]!;
  let offset = at + 1;
  let length = buf[offset++]!;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (offset + count > buf.length) return undefined;
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + buf[offset++]!;
  }
  if (offset + length > buf.length) return undefined;
  return { tag, start: offset, end: offset + length };
}

function children(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = t.start; at < t.end; ) {
    const c = readTlv(buf, at);
    if (!c) break;
    out.push(c);
    at = c.end;
  }
  return out;
}

const intOf = (buf: Buffer, t: Tlv): number => {
  let v = 0;
  for (let k = t.start; k < t.end; k++) v = v * 256 + buf[k]!;
  return v;
};
const textOf = (buf: Buffer, t: Tlv): string => buf.subarray(t.start, t.end).toString('utf8');

// ---- The server -----------------------------------------------------------------------------

export interface SearchRequest {
  messageId: number;
  base: string;
  /** 0 base, 1 one level, 2 subtree. */
  scope: number;
  attributes: string[];
  /** The filter's tag and content (not its length): the first byte tells AND 0xa0, OR 0xa1, NOT 0xa2, presence 0x87... */
  filter: Buffer;
  /** The paged results control's cookie, when the request carries the control. */
  cookie: Buffer | undefined;
  paged: boolean;
  /** Which connection (1, 2, ...) sent it. */
  connection: number;
}

export interface Reply {
  entry(dn: string, attributes: Record<string, Values>): void;
  reference(urls: string[]): void;
  done(options?: { resultCode?: number; message?: string; matchedDn?: string; cookie?: Buffer; referrals?: string[] }): void;
  /** Bytes as they are, framed or not. */
  raw(bytes: Buffer): void;
  /** Closes the connection (a server that goes away mid-answer). */
  close(): void;
}

export type SearchHandler = (request: SearchRequest, reply: Reply) => void | Promise<void>;

export interface HostileLdap {
  url: string;
  port: number;
  searches: SearchRequest[];
  binds: Array<{ dn: string; connection: number }>;
  connections: number;
  close(): Promise<void>;
}

export async function startHostileLdap(onSearch: SearchHandler): Promise<HostileLdap> {
  const sockets = new Set<Socket>();
  const state: HostileLdap = { url: '', port: 0, searches: [], binds: [], connections: 0, close: async () => undefined };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection = ++state.connections;
    let pending = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const message = readTlv(pending, 0);
        if (!message) return;
        const raw = pending.subarray(0, message.end);
        pending = pending.subarray(message.end);
        handle(raw, message);
      }
    });
    const handle = (buf: Buffer, message: Tlv) => {
      const [id, op, controls] = children(buf, message);
      if (!id || !op) return;
      const messageId = intOf(buf, id);
      const write = (bytes: Buffer) => {
        if (!socket.destroyed) socket.write(bytes);
      };
      if (op.tag === 0x60) {
        const [, name] = children(buf, op);
        state.binds.push({ dn: name ? textOf(buf, name) : '', connection });
        write(ldapMessage(messageId, ldapResult(0x61, 0, '', '')));
        return;
      }
      if (op.tag === 0x42) {
        socket.end();
        return;
      }
      if (op.tag !== 0x63) return; // abandon and anything else: no answer
      const parts = children(buf, op);
      const attributeList = parts[7] ? children(buf, parts[7]).map((t) => textOf(buf, t)) : [];
      let cookie: Buffer | undefined;
      let paged = false;
      for (const control of controls ? children(buf, controls) : []) {
        const [oid, ...rest] = children(buf, control);
        if (!oid || textOf(buf, oid) !== PAGED_RESULTS_OID) continue;
        paged = true;
        const value = rest.find((t) => t.tag === 0x04);
        const inner = value ? readTlv(buf.subarray(value.start, value.end), 0) : undefined;
        if (value && inner) {
          const valueBuf = buf.subarray(value.start, value.end);
          const [, c] = children(valueBuf, inner);
          cookie = c ? Buffer.from(valueBuf.subarray(c.start, c.end)) : undefined;
        }
      }
      const request: SearchRequest = {
        messageId,
        base: parts[0] ? textOf(buf, parts[0]) : '',
        scope: parts[1] ? intOf(buf, parts[1]) : 0,
        attributes: attributeList,
        filter: parts[6] ? Buffer.concat([Buffer.from([parts[6].tag]), buf.subarray(parts[6].start, parts[6].end)]) : Buffer.alloc(0),
        cookie,
        paged,
        connection,
      };
      state.searches.push(request);
      const reply: Reply = {
        entry: (dn, attributes) => write(searchEntry(messageId, dn, attributes)),
        reference: (urls) => write(ldapMessage(messageId, tlv(0x73, Buffer.concat(urls.map((u) => octets(u)))))),
        done: (o = {}) => write(ldapMessage(messageId, ldapResult(0x65, o.resultCode ?? 0, o.matchedDn ?? '', o.message ?? '', o.referrals), o.cookie ? [pagedControl(o.cookie)] : paged ? [pagedControl(Buffer.alloc(0))] : undefined)),
        raw: (bytes) => write(bytes),
        close: () => socket.destroy(),
      };
      void Promise.resolve(onSearch(request, reply)).catch(() => socket.destroy());
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `ldap://127.0.0.1:${state.port}`;
  state.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}

/** A bare listener that counts who connects to it and what they send (a referral's target). */
export async function startWitness(): Promise<{ url: string; connections: number; received: Buffer[]; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const witness = { url: '', connections: 0, received: [] as Buffer[], close: async () => undefined };
  const server = createServer((socket) => {
    witness.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => witness.received.push(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  witness.url = `ldap://127.0.0.1:${(server.address() as AddressInfo).port}`;
  witness.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return witness;
}
