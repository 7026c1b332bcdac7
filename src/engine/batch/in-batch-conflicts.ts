// Values two objects of one staging batch would both add to Microsoft Entra ID. Each object is
// staged against the tenant as it is, so a userPrincipalName or SMTP address that no cloud object
// holds yet looks free to every object that wants it. Exported, the first object to reach
// Entra ID gets it and duplicate attribute resiliency quarantines it on the others (the UPN
// replaced by <prefix><4 digits>@<initial domain>, the address dropped). Which object is first
// depends on the export order, so a batch names every object that claims the value.
import type { ProvisioningObjectSummary } from '../summary/types';
import { plannedWrite } from './tally';

/** The attributes Entra ID keeps unique across the tenant, as the Microsoft Entra connector names them. */
const UPN = 'userprincipalname';
const SMTP_SOURCES = new Set(['proxyaddresses', 'mail']);

export interface InBatchConflict {
  /** userPrincipalName, or an SMTP address (proxyAddresses and mail share one namespace). */
  attribute: 'userPrincipalName' | 'smtpAddress';
  /** As the first object gives it. */
  value: string;
  /** The objects that would add it, in batch order. */
  objects: string[];
}

/**
 * The unique values a staged object would add in Microsoft Entra ID: its userPrincipalName and
 * SMTP addresses (proxyAddresses smtp:/SMTP:, mail), as `upn:` / `smtp:` keys in lower case
 * (Entra ID compares them ignoring case) with the value as given. None for an object the
 * export would not write, or whose cloud object holds the value already.
 */
export function exportClaims(summary: ProvisioningObjectSummary): [key: string, value: string][] {
  if (plannedWrite(summary) === 'none') return [];
  const rows = summary.provisioningSteps.find((s) => s.stepNumber === 10)?.attributes ?? [];
  const claims = new Map<string, string>();
  for (const row of rows) {
    const name = row.name.toLowerCase();
    if (name !== UPN && !SMTP_SOURCES.has(name)) continue;
    for (const raw of row.valueAdd ?? []) {
      const value = String(raw).trim();
      if (!value) continue;
      if (name === UPN) claims.set(`upn:${value.toLowerCase()}`, value);
      else if (name === 'mail') claims.set(`smtp:${value.toLowerCase()}`, value);
      else if (/^smtp:/i.test(value) && value.length > 5) claims.set(`smtp:${value.slice(5).toLowerCase()}`, value.slice(5));
    }
  }
  return [...claims];
}

/** Collects the claims of a batch's objects, in batch order, and the values claimed more than once. */
export class InBatchClaims {
  private readonly first = new Map<string, { value: string; dn: string; others?: string[] }>();

  add(dn: string, claims: readonly (readonly [string, string])[]): void {
    for (const [key, value] of claims) {
      const claimed = this.first.get(key);
      if (!claimed) {
        this.first.set(key, { value, dn });
      } else if (claimed.dn !== dn && claimed.others?.at(-1) !== dn) {
        // Objects come in batch order, so one claiming a value again is the last one named.
        (claimed.others ??= []).push(dn);
      }
    }
  }

  /** The values more than one object would add, UPNs first, each with its objects in batch order. */
  conflicts(): InBatchConflict[] {
    const out: InBatchConflict[] = [];
    for (const [key, claimed] of this.first) {
      if (!claimed.others) continue;
      out.push({ attribute: key.startsWith('upn:') ? 'userPrincipalName' : 'smtpAddress', value: claimed.value, objects: [claimed.dn, ...claimed.others] });
    }
    return out.sort((a, b) => (a.attribute === b.attribute ? 0 : a.attribute === 'userPrincipalName' ? -1 : 1));
  }
}

/** Objects a sentence names for one value (a value shared by thousands stays one readable line). */
const OBJECTS_NAMED = 10;

/** One conflict in a sentence, for the batch summary and its report. */
export function describeConflict(c: InBatchConflict): string {
  const what = c.attribute === 'userPrincipalName' ? `userPrincipalName ${c.value}` : `SMTP address ${c.value}`;
  const named = c.objects.slice(0, OBJECTS_NAMED).join('; ') + (c.objects.length > OBJECTS_NAMED ? `; and ${c.objects.length - OBJECTS_NAMED} more` : '');
  return `${what}: ${c.objects.length} objects of this batch would add it (${named}); Entra ID keeps it on the one exported first and quarantines it on the others.`;
}
