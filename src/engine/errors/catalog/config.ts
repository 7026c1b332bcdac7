import type { CatalogEntry } from '../sync-error';

/** Errors raised by configuration loading. */
export const configErrors = {
} satisfies Record<string, CatalogEntry>;
