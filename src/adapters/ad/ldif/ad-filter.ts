// An LDAP filter evaluated over an LDIF snapshot as Active Directory evaluates it, since a
// snapshot has no server ([MS-ADTS] 3.1.1.3.1.3): three-valued logic (an Undefined clause never
// selects, and stays Undefined under NOT); approxMatch is equalityMatch; strings compare without
// case; integers (userAccountControl, uSNChanged, ...) compare as numbers; DN values compare as
// DNs; "(objectCategory=person)" names a class and means its defaultObjectCategory (3.1.1.3.1.3.5);
// objectSid accepts the S-1-... form; the extensible rules are AD's (3.1.1.3.4.4): BIT_AND,
// BIT_OR and TRANSITIVE_EVAL over the snapshot's links. A rule AD does not have, or that the
// snapshot cannot evaluate (DN_WITH_DATA), is InvalidLdapFilter, never a silent empty batch.
import { AndFilter, ApproximateFilter, EqualityFilter, ExtensibleFilter, type Filter, GreaterThanEqualsFilter, LessThanEqualsFilter, NotFilter, OrFilter, PresenceFilter, SubstringFilter } from 'ldapts';
import { batchErrors } from '../../../engine/errors/catalog/batch';
import { SyncError } from '../../../engine/errors/sync-error';
import { getValues, type AttributeValue, type Attributes } from '../../../engine/model/attributes';
import { sidBytesToString } from '../../../engine/model/ad-codecs';
import { Dn } from '../../../engine/model/dn';

const BIT_AND = '1.2.840.113556.1.4.803';
const BIT_OR = '1.2.840.113556.1.4.804';
const TRANSITIVE_EVAL = '1.2.840.113556.1.4.1941';
const DN_WITH_DATA = '1.2.840.113556.1.4.2253';

/** The snapshot's links, for memberOf and TRANSITIVE_EVAL. */
export interface LinkResolver {
  /** The DN values of `attribute` on the object named by `dnKey` (member, manager, ...); memberOf completed by backLinks. */
  linked(dnKey: string, attribute: string): readonly string[];
  /** The groups whose member names the object: memberOf even when the export left it out (ldifde -o memberOf). */
  backLinks(dnKey: string): readonly string[];
}

type Truth = boolean | undefined; // undefined: the clause is Undefined ([RFC 4511] 4.5.1.7)

/**
 * The defaultObjectCategory of the classes a filter names most ([MS-ADSC]): a snapshot has no
 * schema. Other names fall back to the category's CN written without hyphens (msExch... classes).
 */
const DEFAULT_CATEGORY: Record<string, string> = {
  user: 'person', person: 'person', organizationalperson: 'person', inetorgperson: 'person', contact: 'person',
  group: 'group', computer: 'computer', organizationalunit: 'organizational-unit', container: 'container',
  foreignsecurityprincipal: 'foreign-security-principal', domaindns: 'domain-dns', builtindomain: 'builtin-domain',
  'msds-groupmanagedserviceaccount': 'ms-ds-group-managed-service-account', 'msds-managedserviceaccount': 'ms-ds-managed-service-account',
  printqueue: 'print-queue', volume: 'volume',
};

/** Does the object match? Only a clause that is True selects it. */
export function adFilterMatches(filter: Filter, object: { dn: string; attributes: Attributes }, links: LinkResolver): boolean {
  return evaluate(filter, object, links) === true;
}

function evaluate(filter: Filter, object: { dn: string; attributes: Attributes }, links: LinkResolver): Truth {
  if (filter instanceof AndFilter) {
    let result: Truth = true;
    for (const f of filter.filters) {
      const t = evaluate(f, object, links);
      if (t === false) return false;
      if (t === undefined) result = undefined;
    }
    return result;
  }
  if (filter instanceof OrFilter) {
    let result: Truth = false;
    for (const f of filter.filters) {
      const t = evaluate(f, object, links);
      if (t === true) return true;
      if (t === undefined) result = undefined;
    }
    return result;
  }
  if (filter instanceof NotFilter) {
    const t = evaluate(filter.filter, object, links);
    return t === undefined ? undefined : !t;
  }
  if (filter instanceof ExtensibleFilter) return extensible(filter, object, links);
  const attribute = (filter as unknown as { attribute?: string }).attribute ?? '';
  const values = valuesOf(object, attribute, links);
  if (filter instanceof PresenceFilter) return values.length > 0;
  if (filter instanceof EqualityFilter || filter instanceof ApproximateFilter) {
    const assertion = assertionOf(filter, attribute);
    return values.some((v) => equal(assertion, v));
  }
  if (filter instanceof SubstringFilter) return values.some((v) => typeof v === 'string' && substring(v, filter));
  if (filter instanceof GreaterThanEqualsFilter) return values.some((v) => { const c = order(attribute, v, filter.value); return c !== undefined && c >= 0; });
  if (filter instanceof LessThanEqualsFilter) return values.some((v) => { const c = order(attribute, v, filter.value); return c !== undefined && c <= 0; });
  return undefined;
}

function valuesOf(object: { dn: string; attributes: Attributes }, attribute: string, links: LinkResolver): readonly AttributeValue[] {
  const name = attribute.toLowerCase();
  if (name === 'distinguishedname' && !getValues(object.attributes, attribute)) return [object.dn];
  // memberOf is the back link of member: a snapshot written without it (ldifde -o memberOf) still has it.
  const stored = getValues(object.attributes, attribute) ?? [];
  if (name === 'memberof') {
    const own = dnKey(object.dn);
    const derived = own === undefined ? [] : links.backLinks(own);
    return derived.length ? [...new Set([...stored.map(String), ...derived])] : stored;
  }
  return stored;
}

const INTEGER = /^-?\d+$/;
const CANONICAL_INTEGER = /^-?(0|[1-9]\d*)$/;

/** Integer and LargeInteger attributes filtered most (a snapshot has no schema); "0514" is 514 in them. */
const INTEGER_ATTRIBUTES = new Set([
  'useraccountcontrol', 'msds-user-account-control-computed', 'grouptype', 'samaccounttype', 'primarygroupid', 'usnchanged', 'usncreated',
  'pwdlastset', 'accountexpires', 'lastlogon', 'lastlogontimestamp', 'lockouttime', 'badpwdcount', 'logoncount', 'admincount', 'instancetype',
  'systemflags', 'countrycode', 'msds-supportedencryptiontypes', 'msexchrecipienttypedetails', 'msexchrecipientdisplaytype', 'msexchremoterecipienttype',
]);

/** Compare as integers: an Integer attribute, or two values written as integers are (no leading zeros: "007" is text). */
const integerPattern = (name: string): RegExp => (INTEGER_ATTRIBUTES.has(name.toLowerCase()) ? INTEGER : CANONICAL_INTEGER);
const asIntegers = (attribute: string, a: string, b: string): boolean => {
  const pattern = integerPattern(attribute);
  return pattern.test(a) && pattern.test(b);
};
const GENERALIZED_TIME = /^(\d{14})(?:\.(\d+))?Z$/i;

function dnKey(text: string): string | undefined {
  if (!text.includes('=')) return undefined;
  const parsed = Dn.tryParse(text);
  return parsed.ok ? parsed.dn.key : undefined;
}

/** An equality's assertion, read once per filter (the same filter is matched against every object of the scope). */
interface Assertion {
  name: string;
  raw: string | Buffer;
  text: string;
  lower: string;
  /** The value's integers compare as numbers (asIntegers), when the assertion is one. */
  integer?: RegExp;
  /** "(objectCategory=person)": the defaultObjectCategory's CN wanted. */
  category?: string;
  /** The assertion as a DN key (computed when a value looks like a DN), null when it is not one. */
  dnKey?: string | null;
}

const assertions = new WeakMap<Filter, Assertion>();
function assertionOf(filter: EqualityFilter | ApproximateFilter | ExtensibleFilter, attribute: string): Assertion {
  let assertion = assertions.get(filter);
  if (!assertion) {
    const raw = filter.value as string | Buffer;
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    const name = attribute.toLowerCase();
    const integer = integerPattern(name);
    assertion = {
      name, raw, text, lower: text.toLowerCase(),
      ...(integer.test(text) ? { integer } : {}),
      ...(name === 'objectcategory' && !text.includes('=') ? { category: DEFAULT_CATEGORY[text.toLowerCase()] ?? text.toLowerCase() } : {}),
    };
    assertions.set(filter, assertion);
  }
  return assertion;
}

function equal(a: Assertion, value: AttributeValue): boolean {
  if (value instanceof Uint8Array) {
    if (typeof a.raw === 'string' && a.name === 'objectsid' && /^S-\d/i.test(a.raw)) {
      try {
        return sidBytesToString(value).toUpperCase() === a.raw.toUpperCase();
      } catch {
        return false;
      }
    }
    const bytes = typeof a.raw === 'string' ? Buffer.from(a.raw, 'utf8') : a.raw;
    return Buffer.compare(Buffer.from(value), bytes) === 0;
  }
  const text = String(value);
  if (a.category !== undefined) {
    // "(objectCategory=contact)": the class's defaultObjectCategory, here its CN.
    const cn = /^cn=((?:[^,\\]|\\.)*)/i.exec(text)?.[1]?.toLowerCase();
    return cn !== undefined && (cn === a.category || cn.replace(/-/g, '') === a.category.replace(/-/g, ''));
  }
  if (a.integer?.test(text)) return BigInt(text) === BigInt(a.text);
  if (text.includes('=')) {
    const valueKey = dnKey(text);
    if (a.dnKey === undefined) a.dnKey = dnKey(a.text) ?? null;
    if (valueKey !== undefined && a.dnKey !== null) return valueKey === a.dnKey;
  }
  return text.toLowerCase() === a.lower;
}

function substring(value: string, filter: SubstringFilter): boolean {
  const text = value.toLowerCase();
  const initial = filter.initial.toLowerCase();
  const final = filter.final.toLowerCase();
  if (!text.startsWith(initial)) return false;
  let at = initial.length;
  for (const part of filter.any) {
    const found = text.indexOf(part.toLowerCase(), at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return text.length - at >= final.length && text.endsWith(final);
}

/** value compared with the asserted one: numbers as numbers, times as times, text without case; undefined when they do not compare. */
function order(attribute: string, value: AttributeValue, asserted: string): number | undefined {
  if (value instanceof Uint8Array) return undefined;
  const text = String(value);
  if (asIntegers(attribute, text, asserted)) {
    const a = BigInt(text);
    const b = BigInt(asserted);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const t = GENERALIZED_TIME.exec(text);
  const u = GENERALIZED_TIME.exec(asserted);
  if (t && u) {
    const a = `${t[1]}.${(t[2] ?? '').padEnd(7, '0')}`;
    const b = `${u[1]}.${(u[2] ?? '').padEnd(7, '0')}`;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = text.toLowerCase();
  const b = asserted.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two's complement 64-bit, as AD stores Integer and LargeInteger. */
const asUnsigned64 = (text: string): bigint => BigInt.asUintN(64, BigInt(text));

function extensible(filter: ExtensibleFilter, object: { dn: string; attributes: Attributes }, links: LinkResolver): Truth {
  const rule = (filter.rule ?? '').trim();
  // [MS-ADTS] 3.1.1.3.1.3.1: an extensible match without an attribute type is Undefined.
  if (!filter.matchType) return undefined;
  const values = valuesOf(object, filter.matchType, links);
  if (rule === BIT_AND || rule === BIT_OR) {
    if (!INTEGER.test(filter.value.trim())) return false;
    const mask = asUnsigned64(filter.value.trim());
    return values.some((v) => {
      const text = String(v);
      if (!INTEGER.test(text)) return false;
      const bits = asUnsigned64(text) & mask;
      return rule === BIT_AND ? bits === mask : bits !== 0n;
    });
  }
  if (rule === TRANSITIVE_EVAL) {
    const target = dnKey(filter.value);
    if (target === undefined) return false;
    const seen = new Set<string>();
    const queue = values.map((v) => dnKey(String(v))).filter((k): k is string => k !== undefined);
    while (queue.length) {
      const key = queue.shift()!;
      if (key === target) return true;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const next of links.linked(key, filter.matchType)) {
        const k = dnKey(next);
        if (k !== undefined && !seen.has(k)) queue.push(k);
      }
    }
    return false;
  }
  // [RFC 4511] 4.5.1.7.7: without a rule, the type's equality.
  if (!rule) {
    const assertion = assertionOf(filter, filter.matchType);
    return values.some((v) => equal(assertion, v));
  }
  throw unsupportedRule(filter);
}

/** Why the snapshot cannot evaluate this extensible match, if it cannot. */
function unsupportedRule(filter: ExtensibleFilter): SyncError {
  const rule = (filter.rule ?? '').trim();
  const why = rule === DN_WITH_DATA
    ? `the LDIF snapshot cannot evaluate LDAP_MATCHING_RULE_DN_WITH_DATA (${DN_WITH_DATA}); run the batch against the directory itself`
    : `Active Directory has no matching rule ${JSON.stringify(rule)}: it offers ${BIT_AND} (bit AND), ${BIT_OR} (bit OR), ${TRANSITIVE_EVAL} (in chain) and ${DN_WITH_DATA} (DN with data)`;
  return new SyncError(batchErrors.InvalidLdapFilter, { filter: JSON.stringify(filter.toString().slice(0, 200)), problem: why });
}

/** InvalidLdapFilter before anything is read, for a matching rule the snapshot cannot evaluate. */
export function checkAdFilter(filter: Filter): void {
  if (filter instanceof AndFilter || filter instanceof OrFilter) filter.filters.forEach(checkAdFilter);
  else if (filter instanceof NotFilter) checkAdFilter(filter.filter);
  else if (filter instanceof ExtensibleFilter) {
    const rule = (filter.rule ?? '').trim();
    if (rule && rule !== BIT_AND && rule !== BIT_OR && rule !== TRANSITIVE_EVAL) throw unsupportedRule(filter);
  }
}
