// Compares an attribute set with the previous one, value by value: the rows of an Import or
// Sync step (operation add / update / delete / none, and per-value adds and deletes).
import type { Attributes, AttributeValue } from '../model/attributes';
import { findAttributeKey } from '../model/attributes';
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

export function diffAttributes(before: Attributes | undefined, after: Attributes): AttributeChange[] {
  const names = new Map<string, string>();
  for (const name of Object.keys(after)) names.set(name.toLowerCase(), name);
  for (const name of Object.keys(before ?? {})) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  const changes: AttributeChange[] = [];
  for (const name of names.values()) {
    const oldKey = before ? findAttributeKey(before, name) : undefined;
    const newKey = findAttributeKey(after, name);
    const oldValues = oldKey !== undefined ? before![oldKey] : undefined;
    const newValues = newKey !== undefined ? after[newKey] : undefined;
    const added = minus(newValues ?? [], oldValues ?? []);
    const removed = minus(oldValues ?? [], newValues ?? []);
    const operation = !oldValues?.length && newValues?.length ? 'add'
      : oldValues?.length && !newValues?.length ? 'delete'
        : added.length || removed.length ? 'update' : 'none';
    changes.push({ name, operation, before: oldValues, after: newValues, added, removed });
  }
  return changes.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
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
