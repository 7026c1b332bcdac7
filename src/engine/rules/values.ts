// Attribute values as text, for scope comparisons and the report.
import type { AttributeValue, Attributes } from '../model/attributes';
import { entriesOf } from '../model/records';

export function valueText(value: AttributeValue): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Case-insensitive attribute lookup built once per evaluation (most lookups are for absent attributes). */
export function indexAttributes(attributes: Attributes): (name: string) => AttributeValue[] | undefined {
  const index = new Map<string, AttributeValue[]>();
  for (const [key, values] of entriesOf(attributes)) index.set(lowerCase(key), values);
  return (name) => index.get(lowerCase(name));
}

/**
 * Names in lower case, remembered: rules read the same few hundred attribute names for every
 * object, and lower-casing each read allocated a string. Bounded, as names from data may vary.
 */
const lowered = new Map<string, string>();
function lowerCase(name: string): string {
  let lower = lowered.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowered.size < 10_000) lowered.set(name, lower);
  }
  return lower;
}
