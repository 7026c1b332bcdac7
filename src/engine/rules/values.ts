// Attribute values as text, for scope comparisons and the report.
import { lowerCaseName, type AttributeValue, type Attributes } from '../model/attributes';

export function valueText(value: AttributeValue): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Case-insensitive attribute lookup built once per evaluation (most lookups are for absent attributes). */
export function indexAttributes(attributes: Attributes): (name: string) => AttributeValue[] | undefined {
  const index = new Map<string, AttributeValue[]>();
  for (const key of Object.keys(attributes)) index.set(lowerCaseName(key), attributes[key]!);
  return (name) => index.get(lowerCaseName(name));
}
