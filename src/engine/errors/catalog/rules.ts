import type { CatalogEntry } from '../sync-error';

/** Errors raised by sync rules and expressions. */
export const rulesErrors = {
} satisfies Record<string, CatalogEntry>;
