// ldapts search entries -> the engine's Attributes: binary attributes as bytes, text as
// strings, and attributes that came back without values left out (absent, never []).
import type { Entry } from 'ldapts';
import type { AttributeValue, Attributes } from '../../engine/model/attributes';
import { isBinaryAttribute } from './binary-attributes';

const utf8 = new TextDecoder('utf-8');

function toValue(name: string, raw: unknown): AttributeValue {
  if (raw instanceof Uint8Array) {
    // A plain Uint8Array (not a Buffer) so LDAP and LDIF objects compare equal.
    return isBinaryAttribute(name) ? new Uint8Array(raw) : utf8.decode(raw);
  }
  return String(raw);
}

export function entryToAttributes(entry: Entry): Attributes {
  const attributes: Attributes = {};
  for (const name of Object.keys(entry)) {
    if (name === 'dn') continue;
    const raw = entry[name];
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) continue;
    attributes[name] = list.map((v) => toValue(name, v));
  }
  return attributes;
}

/** `member;range=1500-2999` -> { name: 'member', start: 1500, end: 2999 }; end undefined for `*`. */
export function parseRangedName(name: string): { name: string; start: number; end: number | undefined } | undefined {
  const m = /^([^;]+);range=(\d+)-(\d+|\*)$/i.exec(name);
  if (!m) return undefined;
  return { name: m[1]!, start: Number(m[2]), end: m[3] === '*' ? undefined : Number(m[3]) };
}
