// Step 5: the structural object class (the last objectClass value, as the troubleshooter
// reads it) must be one of the connector's object types.
import type { Attributes } from '../model/attributes';
import { getValues } from '../model/attributes';

export function structuralClass(attributes: Attributes): string | undefined {
  const classes = getValues(attributes, 'objectClass');
  const last = classes?.[classes.length - 1];
  return last === undefined ? undefined : String(last);
}

export function isDynamicDistributionGroup(attributes: Attributes): boolean {
  return (getValues(attributes, 'objectClass') ?? []).some((c) => String(c).toLowerCase() === 'msexchdynamicdistributionlist');
}

export function objectTypeInScope(objectTypes: readonly string[], objectClass: string): boolean {
  return objectTypes.some((t) => t.toLowerCase() === objectClass.toLowerCase());
}

/** The Entra object kind an AD object type becomes, or undefined when Entra has none. */
export function entraKindOf(objectClass: string): 'user' | 'group' | 'contact' | 'device' | undefined {
  switch (objectClass.toLowerCase()) {
    case 'user':
    case 'inetorgperson':
      return 'user';
    case 'group':
      return 'group';
    case 'contact':
      return 'contact';
    case 'computer':
      return 'device';
    default:
      return undefined;
  }
}
