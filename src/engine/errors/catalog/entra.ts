import type { CatalogEntry } from '../sync-error';

/** Errors raised by Microsoft Entra and Graph (src/entra). */
export const entraErrors = {
} satisfies Record<string, CatalogEntry>;
