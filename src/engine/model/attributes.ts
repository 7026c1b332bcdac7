// Attribute values as the engine sees them. AD attribute names are case-insensitive, so
// every lookup goes through these helpers; the stored key keeps the directory's spelling.

/** One value of a directory attribute. Binary values (objectGUID, objectSid, ...) are bytes. */
export type AttributeValue = string | number | boolean | Uint8Array;

/** Attribute name -> values. An absent attribute has no key; an attribute never maps to []. */
export type Attributes = Record<string, AttributeValue[]>;

export function findAttributeKey(attributes: Attributes, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(attributes, name)) return name;
  const lower = lowerCaseName(name);
  return Object.keys(attributes).find((key) => lowerCaseName(key) === lower);
}

/**
 * getValues for many names over one record that does not change meanwhile: the same answers,
 * with the case-insensitive index built once (on the first name not spelled as stored) instead
 * of a scan of every key per name.
 */
export function attributeLookup(attributes: Attributes): (name: string) => AttributeValue[] | undefined {
  let byLowerName: Map<string, string> | undefined;
  return (name) => {
    if (Object.prototype.hasOwnProperty.call(attributes, name)) return attributes[name];
    if (!byLowerName) {
      byLowerName = new Map();
      for (const key of Object.keys(attributes)) {
        const lower = lowerCaseName(key);
        if (!byLowerName.has(lower)) byLowerName.set(lower, key);
      }
    }
    if (byLowerName.size === 0) return undefined; // nothing to find (an object not in the tenant): no name lower-cased
    const key = byLowerName.get(lowerCaseName(name));
    return key === undefined ? undefined : attributes[key];
  };
}

/**
 * Attribute names in lower case, remembered: a sync reads the same few hundred names for every
 * object, and lower-casing each read allocated a string. Bounded, as names from data may vary.
 */
const lowered = new Map<string, string>();
export function lowerCaseName(name: string): string {
  let lower = lowered.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowered.size < 10_000) lowered.set(name, lower);
  }
  return lower;
}

/** Values of an attribute, or undefined when it is absent. */
export function getValues(attributes: Attributes, name: string): AttributeValue[] | undefined {
  const key = findAttributeKey(attributes, name);
  return key === undefined ? undefined : attributes[key];
}

export function getFirst(attributes: Attributes, name: string): AttributeValue | undefined {
  return getValues(attributes, name)?.[0];
}
