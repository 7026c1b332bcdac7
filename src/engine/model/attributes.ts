// Attribute values as the engine sees them. AD attribute names are case-insensitive, so
// every lookup goes through these helpers; the stored key keeps the directory's spelling.

/** One value of a directory attribute. Binary values (objectGUID, objectSid, ...) are bytes. */
export type AttributeValue = string | number | boolean | Uint8Array;

/** Attribute name -> values. An absent attribute has no key; an attribute never maps to []. */
export type Attributes = Record<string, AttributeValue[]>;

export function findAttributeKey(attributes: Attributes, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(attributes, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(attributes).find((key) => key.toLowerCase() === lower);
}

/** Values of an attribute, or undefined when it is absent. */
export function getValues(attributes: Attributes, name: string): AttributeValue[] | undefined {
  const key = findAttributeKey(attributes, name);
  return key === undefined ? undefined : attributes[key];
}

export function getFirst(attributes: Attributes, name: string): AttributeValue | undefined {
  return getValues(attributes, name)?.[0];
}
