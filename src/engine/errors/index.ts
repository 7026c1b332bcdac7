// The error catalog (ARCHITECTURE section 4). One file per area so each area owns its codes.
export * from './sync-error';
export { directoryErrors } from './catalog/directory';
export { entraErrors } from './catalog/entra';
export { rulesErrors } from './catalog/rules';
export { configErrors } from './catalog/config';
export { scopeErrors } from './catalog/scope';
export { syncErrors } from './catalog/sync';
export { extensionErrors } from './catalog/extension';
export { batchErrors } from './catalog/batch';
