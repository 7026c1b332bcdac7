// What the adapter checks in a search's answer before it uses it: every entry's name is a DN
// within the scope asked for, no entry comes twice, a paged search advances (a server that
// hands out cookies forever with the same entries, or pages of references only, would loop),
// and a search ends within MAX_SEARCH_ENTRIES. A breach is DirectoryAnswerInvalid, never a
// silent wrong answer (AD data is untrusted: ARCHITECTURE section 4).
import { Dn } from '../../../engine/model/dn';
import type { LdapConnection } from './connection';

/** Entries one search may return: far above the largest directories Entra Connect syncs. */
export const MAX_SEARCH_ENTRIES = 2_000_000;
/** Pages in a row with no entry (references only) before a paged search is said not to advance. */
export const MAX_EMPTY_PAGES = 20;

/** A short, visible quote of a server's text for a message. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

/** The checks of one search (both halves of a split search share one). */
export class SearchAnswerChecks {
  private readonly seen = new Set<string>();
  private emptyPages = 0;
  private entries = 0;

  constructor(
    private readonly ldap: LdapConnection,
    private readonly operation: string,
    private readonly base: Dn,
    private readonly scope: 'base' | 'one' | 'subtree',
  ) {}

  /** A page arrived with `entries` entries. */
  page(entries: number): void {
    if (entries > 0) {
      this.emptyPages = 0;
      return;
    }
    if (++this.emptyPages > MAX_EMPTY_PAGES) {
      throw this.ldap.invalidAnswer(this.operation, this.base, `${this.emptyPages} pages in a row with no entry, each with a cookie for more (a paged search that does not advance)`);
    }
  }

  /** An entry's name, parsed and checked: within the scope, not seen before in this search. */
  entry(name: string): Dn {
    const parsed = Dn.tryParse(name);
    if (!parsed.ok) throw this.ldap.invalidAnswer(this.operation, this.base, `an entry named ${quote(name)}, which is not a distinguished name (${parsed.error.reason})`);
    const dn = parsed.dn;
    const inScope = this.scope === 'base' ? dn.equals(this.base) : this.scope === 'one' ? dn.parent()?.equals(this.base) === true : dn.isWithin(this.base);
    if (!inScope) {
      const where = this.scope === 'base' ? 'another object than the one read' : this.scope === 'one' ? 'an entry that is not directly below the container' : 'an entry outside the search base';
      throw this.ldap.invalidAnswer(this.operation, this.base, `${where}: ${quote(name)}`);
    }
    if (this.seen.has(dn.key)) {
      throw this.ldap.invalidAnswer(this.operation, this.base, `the entry ${quote(name)} twice in one search (a paging cookie that does not advance, or a duplicated answer)`);
    }
    this.seen.add(dn.key);
    if (++this.entries > MAX_SEARCH_ENTRIES) {
      throw this.ldap.invalidAnswer(this.operation, this.base, `more than ${MAX_SEARCH_ENTRIES} entries in one search`);
    }
    return dn;
  }
}
