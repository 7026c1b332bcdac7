// The standalone report's script: src/report/browser/report-script.ts (TypeScript), bundled by
// scripts/build.mjs and inlined in the .htm file, where its CSP hash allows exactly it.
export { reportScript } from './browser/report-script.bundle';
