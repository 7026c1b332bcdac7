// Compares an attribute set with the previous one, value by value: the rows of an Import or
// Sync step (operation add / update / delete / none, and per-value adds and deletes).
import { lowerCaseName, type Attributes, type AttributeValue } from '../model/attributes';
import type { AttributeRow } from '../summary/types';
import { attributeType, isMultiValued } from './attribute-syntax';
import { sameValue, valuesText } from './value-text';

export interface AttributeChange {
  name: string;
  operation: 'add' | 'update' | 'delete' | 'none';
  before: AttributeValue[] | undefined;
  after: AttributeValue[] | undefined;
  added: AttributeValue[];
  removed: AttributeValue[];
}

const NO_VALUES: readonly AttributeValue[] = Object.freeze([]);

/** The values of a not in b. Loops, not filter and some: no closure per value, and most lists are empty. */
function minus(a: readonly AttributeValue[], b: readonly AttributeValue[]): AttributeValue[] {
  if (a.length === 0) return [];
  if (b.length === 0) return a.slice();
  const out: AttributeValue[] = [];
  for (const x of a) {
    let found = false;
    for (const y of b) {
      if (sameValue(x, y)) {
        found = true;
        break;
      }
    }
    if (!found) out.push(x);
  }
  return out;
}

// One collator for every sort: localeCompare with options builds a new one per comparison.
const byNameIgnoringCase = new Intl.Collator('en', { sensitivity: 'base' });

/**
 * Each name's place in the collator's order among the names seen so far (names equal to the
 * collator share one): a batch sorts the same few hundred names for every object, and the
 * collator's comparisons were 1.5% of it. Comparing ranks gives every pair the collator's
 * answer, so the sort's result is the same. Bounded, as names come from data.
 */
const MAX_RANKED = 1_000;
const rankedNames: string[] = [];
/** Per ranked name: does the collator call it equal to the one before? */
const equalToPrevious: boolean[] = [];
const ranks = new Map<string, number>();
function rankOf(name: string): number | undefined {
  const known = ranks.get(name);
  if (known !== undefined || rankedNames.length >= MAX_RANKED) return known;
  let lo = 0;
  let hi = rankedNames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byNameIgnoringCase.compare(rankedNames[mid]!, name) <= 0) lo = mid + 1;
    else hi = mid;
  }
  rankedNames.splice(lo, 0, name);
  equalToPrevious.splice(lo, 0, lo > 0 && byNameIgnoringCase.compare(rankedNames[lo - 1]!, name) === 0);
  if (lo + 1 < rankedNames.length) equalToPrevious[lo + 1] = byNameIgnoringCase.compare(name, rankedNames[lo + 1]!) === 0;
  let rank = 0;
  for (let i = 0; i < rankedNames.length; i++) ranks.set(rankedNames[i]!, i > 0 && !equalToPrevious[i] ? ++rank : rank);
  return ranks.get(name);
}

function byRankOrCollator(a: AttributeChange, b: AttributeChange): number {
  const ra = rankOf(a.name);
  const rb = rankOf(b.name);
  return ra !== undefined && rb !== undefined ? ra - rb : byNameIgnoringCase.compare(a.name, b.name);
}

/** Lower-cased name -> the key as stored (the first one, as findAttributeKey finds it). */
function keysByLowerName(attributes: Attributes | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  for (const name of Object.keys(attributes ?? {})) {
    const lower = lowerCaseName(name);
    if (!keys.has(lower)) keys.set(lower, name);
  }
  return keys;
}

export function diffAttributes(before: Attributes | undefined, after: Attributes): AttributeChange[] {
  const oldKeys = keysByLowerName(before);
  const newKeys = keysByLowerName(after);
  const changes: AttributeChange[] = [];
  const compare = (name: string, oldKey: string | undefined, newKey: string | undefined) => {
    const oldValues = oldKey !== undefined ? before![oldKey] : undefined;
    const newValues = newKey !== undefined ? after[newKey] : undefined;
    const added = minus(newValues ?? NO_VALUES, oldValues ?? NO_VALUES);
    const removed = minus(oldValues ?? NO_VALUES, newValues ?? NO_VALUES);
    const operation = !oldValues?.length && newValues?.length ? 'add'
      : oldValues?.length && !newValues?.length ? 'delete'
        : added.length || removed.length ? 'update' : 'none';
    changes.push({ name, operation, before: oldValues, after: newValues, added, removed });
  };
  // The new names, then the names only the old set has (forEach: no [key, value] pair per name).
  newKeys.forEach((name, lower) => compare(name, oldKeys.get(lower), name));
  oldKeys.forEach((name, lower) => {
    if (!newKeys.has(lower)) compare(name, name, undefined);
  });
  return changes.sort(byRankOrCollator);
}

export function changeToRow(change: AttributeChange, extra: Partial<AttributeRow> = {}): AttributeRow {
  const current = change.after ?? NO_VALUES;
  return {
    name: change.name,
    isMultiValued: isMultiValued(change.name, change.after ?? change.before),
    type: attributeType(change.name, change.after ?? change.before),
    value: valuesText(change.name, current),
    valueAdd: valuesText(change.name, change.added),
    valueDelete: valuesText(change.name, change.removed),
    operation: change.operation,
    ...extra,
  };
}
