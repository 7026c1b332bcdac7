/** Bundles test/vscode/suite into outdir/index.js; resolves with that path. */
export function buildSuite(outdir: string): Promise<string>;
