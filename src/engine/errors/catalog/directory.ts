import type { CatalogEntry } from '../sync-error';

/** Errors raised by Active Directory (src/ad). */
export const directoryErrors = {
} satisfies Record<string, CatalogEntry>;
