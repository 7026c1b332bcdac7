// The error catalog (ARCHITECTURE section 4). One file per area so each area owns its codes;
// the codes are defined once, there, and ErrorCode is derived from them. The app and the VS
// Code surface keep their own catalogs of the same shape (src/app/errors.ts,
// src/surfaces/vscode/error-catalog.ts) for what only they meet.
import { batchErrors } from './catalog/batch';
import { configErrors } from './catalog/config';
import { directoryErrors } from './catalog/directory';
import { entraErrors } from './catalog/entra';
import { reportErrors } from './catalog/report';
import { rulesErrors } from './catalog/rules';
import { scopeErrors } from './catalog/scope';
import { syncErrors } from './catalog/sync';

export * from './sync-error';
export { batchErrors, configErrors, directoryErrors, entraErrors, reportErrors, rulesErrors, scopeErrors, syncErrors };

/** Every catalog of the engine, by area. */
export const engineCatalogs = { batchErrors, configErrors, directoryErrors, entraErrors, reportErrors, rulesErrors, scopeErrors, syncErrors } as const;

type CatalogCodes<C> = { [Area in keyof C]: C[Area][keyof C[Area]] extends { code: infer Code } ? Code : never }[keyof C];

/** The error codes of the engine, as the catalog defines them. */
export type ErrorCode = CatalogCodes<typeof engineCatalogs>;
