// A state file's shape, checked in the one pass that decodes it. The state folder may come with
// a repository, so a file there is untrusted even when it is well-formed JSON: a field of the
// wrong type would surface as a TypeError deep in the engine or as a wrong verdict, and a key
// named __proto__ (JSON.parse makes it an own property) would change the prototype of whatever
// record the engine copies it into by assignment. Anything of that kind is a StateShapeError
// naming the field; readState makes it StateUnreadable, naming the file.
//
// What is returned is built afresh from the known fields only (a run rebuilds every space, so
// unknown ones were never kept), its attribute records without a prototype. Fields added after
// the first version (`exported`, `exportedMemberDns`) stay optional, as do `id` and
// `exportedMemberIds` (absent until a run links or exports), so an older version's file loads.
// The descriptive strings nothing decides on (connector, objectType, kind, importedAt, syncedAt)
// are checked when present, not required.
import type { Attributes, AttributeValue } from '../../engine/model/attributes';
import { attributeRecord } from '../../engine/model/records';
import type { AdConnectorSpaceObject, EntraConnectorSpaceObject, MetaverseObject, ObjectState } from '../../engine/spaces/state-store';
import { fileNameFor } from './state-file-name';

/** A state file that parses but is not shaped as one this tool writes; the message names the field. */
export class StateShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateShapeError';
  }
}

// Every field of the stored types is checked below: a field added there fails to compile here
// until it is (unknown fields are dropped, so an unchecked one would silently never load).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AllTrue<T extends true[]> = T;
type _AllFieldsChecked = AllTrue<[
  Same<keyof ObjectState, 'key' | 'adConnectorSpace' | 'metaverse' | 'entraConnectorSpace'>,
  Same<keyof AdConnectorSpaceObject, 'connector' | 'dn' | 'objectType' | 'attributes' | 'importedAt'>,
  Same<keyof MetaverseObject, 'objectType' | 'attributes' | 'syncedAt'>,
  Same<keyof EntraConnectorSpaceObject, 'kind' | 'id' | 'exported' | 'attributes' | 'exportedMemberIds' | 'exportedMemberDns' | 'importedAt'>,
]>;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Names that change (__proto__) or shadow (constructor, prototype) what a plain object inherits
 * once copied into one by assignment. No state this tool writes has them: AD and Entra have no
 * attribute of those names, and the other keys are the fixed fields above.
 */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype'] as const;
const isPrototypeName = (name: string): boolean => name === '__proto__' || name === 'constructor' || name === 'prototype';

/** Canonical base64, as Buffer writes it (Buffer.from would skip any other character silently). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(where: string, value: unknown, expected: string): never {
  throw new StateShapeError(value === undefined ? `${where} is missing` : `${where} is ${kindOf(value)}, not ${expected}`);
}

/** Text from the file, quoted and cut short for a message. */
function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, value, 'an object');
  for (const name of PROTOTYPE_NAMES) {
    if (hasOwn.call(value, name)) throw new StateShapeError(`${where} has a key named '${name}'`);
  }
  return value as Record<string, unknown>;
}

function requiredString(raw: Record<string, unknown>, where: string, field: string): string {
  const value = raw[field];
  return typeof value === 'string' ? value : fail(`${where}.${field}`, value, 'a string');
}

/** Copies raw[field] to out when present, after `is` accepts it. */
function copyOptional(raw: Record<string, unknown>, out: Record<string, unknown>, where: string, field: string, is: 'string' | 'boolean'): void {
  const value = raw[field];
  if (value === undefined) return;
  if (typeof value !== is) fail(`${where}.${field}`, value, `a ${is}`);
  out[field] = value;
}

function stringsAt(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(where, value, 'an array of strings');
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') fail(`${where}[${i}]`, value[i], 'a string');
  }
  return value as string[];
}

/**
 * An attribute record: name -> array of values, each a string, a finite number, a boolean or
 * {"$binary": base64} (serializeAttributes' form of bytes). The parsed arrays are reused, their
 * binary values decoded in place: the file's own, nothing else holds them.
 */
function attributesAt(value: unknown, where: string): Attributes {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, value, 'an object');
  const raw = value as Record<string, unknown>;
  const out = attributeRecord<AttributeValue[]>();
  const names = Object.keys(raw);
  for (let n = 0; n < names.length; n++) {
    const name = names[n]!;
    if (isPrototypeName(name)) throw new StateShapeError(`${where} has an attribute named '${name}'`);
    const values = raw[name];
    if (!Array.isArray(values)) fail(`${where}[${shown(name)}]`, values, 'an array of values');
    for (let i = 0; i < values.length; i++) {
      const v: unknown = values[i];
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) continue;
      const binary = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { $binary?: unknown }).$binary : undefined;
      if (typeof binary !== 'string') fail(`${where}[${shown(name)}][${i}]`, v, 'a string, a number, a boolean or {"$binary": base64}');
      if (binary.length % 4 !== 0 || !BASE64.test(binary)) throw new StateShapeError(`${where}[${shown(name)}][${i}].$binary is not base64`);
      values[i] = new Uint8Array(Buffer.from(binary, 'base64'));
    }
    out[name] = values as AttributeValue[];
  }
  return out;
}

function adConnectorSpaceFrom(value: unknown): AdConnectorSpaceObject {
  const where = 'adConnectorSpace';
  const raw = objectAt(value, where);
  const out: Record<string, unknown> = { dn: requiredString(raw, where, 'dn'), attributes: attributesAt(raw.attributes, `${where}.attributes`) };
  copyOptional(raw, out, where, 'connector', 'string');
  copyOptional(raw, out, where, 'objectType', 'string');
  copyOptional(raw, out, where, 'importedAt', 'string');
  return out as unknown as AdConnectorSpaceObject;
}

function metaverseFrom(value: unknown): MetaverseObject {
  const where = 'metaverse';
  const raw = objectAt(value, where);
  const out: Record<string, unknown> = { attributes: attributesAt(raw.attributes, `${where}.attributes`) };
  copyOptional(raw, out, where, 'objectType', 'string');
  copyOptional(raw, out, where, 'syncedAt', 'string');
  return out as unknown as MetaverseObject;
}

function entraConnectorSpaceFrom(value: unknown): EntraConnectorSpaceObject {
  const where = 'entraConnectorSpace';
  const raw = objectAt(value, where);
  const out: Record<string, unknown> = { attributes: attributesAt(raw.attributes, `${where}.attributes`) };
  copyOptional(raw, out, where, 'kind', 'string');
  copyOptional(raw, out, where, 'id', 'string');
  copyOptional(raw, out, where, 'exported', 'boolean');
  if (raw.exportedMemberIds !== undefined) out.exportedMemberIds = stringsAt(raw.exportedMemberIds, `${where}.exportedMemberIds`);
  if (raw.exportedMemberDns !== undefined) out.exportedMemberDns = stringsAt(raw.exportedMemberDns, `${where}.exportedMemberDns`);
  copyOptional(raw, out, where, 'importedAt', 'string');
  return out as unknown as EntraConnectorSpaceObject;
}

/**
 * The ObjectState a parsed state file holds, for the object `key` it was read for. Its key must
 * name that same file (a GUID's case aside, as fileNameFor does): a file copied from another
 * object's would attach that object's connector spaces and cloud link to this one.
 */
export function decodeObjectState(parsed: unknown, key: string): ObjectState {
  const raw = objectAt(parsed, 'the file');
  const stored = raw.key;
  if (typeof stored !== 'string') fail('key', stored, 'a string');
  if (stored !== key && fileNameFor(stored) !== fileNameFor(key)) {
    throw new StateShapeError(`key is ${shown(stored)}, not ${shown(key)}, the object this file is named for`);
  }
  const state: ObjectState = { key: stored };
  if (raw.adConnectorSpace !== undefined) state.adConnectorSpace = adConnectorSpaceFrom(raw.adConnectorSpace);
  if (raw.metaverse !== undefined) state.metaverse = metaverseFrom(raw.metaverse);
  if (raw.entraConnectorSpace !== undefined) state.entraConnectorSpace = entraConnectorSpaceFrom(raw.entraConnectorSpace);
  return state;
}
