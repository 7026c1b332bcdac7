// How values appear in reports and the JSON: binary as base64 (GUIDs and SIDs in their
// usual text form), everything else as its string.
import type { AttributeValue } from '../model/attributes';
import { bytesToBase64, guidBytesToString, sidBytesToString } from '../model/ad-codecs';

const SID_ATTRIBUTES = new Set(['objectsid', 'sidhistory', 'onpremisesecurityidentifier', 'onpremisessecurityidentifier']);

export function valueText(attribute: string, value: AttributeValue): string {
  if (value instanceof Uint8Array) {
    const lower = attribute.toLowerCase();
    if ((lower === 'objectguid' || lower === 'ms-ds-consistencyguid') && value.length === 16) return guidBytesToString(value);
    // The Microsoft Entra connector's onPremiseSecurityIdentifier is objectSid flowed as it is:
    // Graph answers it in the S-1-… form, so it is compared and shown in that form.
    if (SID_ATTRIBUTES.has(lower) && value.length >= 8) return sidBytesToString(value);
    return bytesToBase64(value);
  }
  return String(value);
}

export function valuesText(attribute: string, values: readonly AttributeValue[] | null | undefined): string[] {
  // Most lists of a row (its adds and deletes) are empty: no map over them.
  if (!values || values.length === 0) return [];
  return values.map((v) => valueText(attribute, v));
}

/** Equality as a directory compares stored values: bytes by content, the rest exactly. */
export function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    return a.every((byte, i) => byte === b[i]);
  }
  return a === b;
}

