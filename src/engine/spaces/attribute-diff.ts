// Compares an attribute set with the previous one, value by value: the rows of an Import or
// Sync step (operation add / update / delete / none, and per-value adds and deletes).
import type { Attributes, AttributeValue } from '../model/attributes';
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

function minus(a: readonly AttributeValue[], b: readonly AttributeValue[]): AttributeValue[] {
  return a.filter((x) => !b.some((y) => sameValue(x, y)));
}

// One collator for every sort: localeCompare with options builds a new one per comparison.
const byNameIgnoringCase = new Intl.Collator('en', { sensitivity: 'base' });

/** Lower-cased name -> the key as stored (the first one, as findAttributeKey finds it). */
function keysByLowerName(attributes: Attributes | undefined): Map<string, string> {
  const keys = new Map<string, string>();
  for (const name of Object.keys(attributes ?? {})) {
    const lower = name.toLowerCase();
    if (!keys.has(lower)) keys.set(lower, name);
  }
  return keys;
}

export function diffAttributes(before: Attributes | undefined, after: Attributes): AttributeChange[] {
  const oldKeys = keysByLowerName(before);
  const newKeys = keysByLowerName(after);
  const names = new Map(newKeys);
  for (const [lower, name] of oldKeys) if (!names.has(lower)) names.set(lower, name);
  const changes: AttributeChange[] = [];
  for (const [lower, name] of names) {
    const oldKey = oldKeys.get(lower);
    const newKey = newKeys.get(lower);
    const oldValues = oldKey !== undefined ? before![oldKey] : undefined;
    const newValues = newKey !== undefined ? after[newKey] : undefined;
    const added = minus(newValues ?? [], oldValues ?? []);
    const removed = minus(oldValues ?? [], newValues ?? []);
    const operation = !oldValues?.length && newValues?.length ? 'add'
      : oldValues?.length && !newValues?.length ? 'delete'
        : added.length || removed.length ? 'update' : 'none';
    changes.push({ name, operation, before: oldValues, after: newValues, added, removed });
  }
  return changes.sort((a, b) => byNameIgnoringCase.compare(a.name, b.name));
}

export function changeToRow(change: AttributeChange, extra: Partial<AttributeRow> = {}): AttributeRow {
  const current = change.after ?? [];
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
