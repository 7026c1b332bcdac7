// Every catalog entry, rendered with the details the code passes where it raises it: no
// {placeholder} may stay unfilled, and a kind must be a kind. The raise sites are found in the
// source with the TypeScript compiler (every `new SyncError(entry, details)` under src/ and
// webview/), and the keys of each site's details come from the checker, spreads included, so
// the test follows the code instead of a list kept by hand. The constructor's types make a
// missing key a compile error too (DetailsFor in src/engine/errors/sync-error.ts); this test
// also catches what types cannot: a key that may be undefined, a value that is an object, an
// entry raised through a variable, an entry nobody raises, a catalog file nobody exports.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { type CatalogEntry, directoryErrors, type ErrorCode, placeholdersOf, type Remedy, SyncError } from '../../../src/engine/errors';
import { decideMatch } from '../../../src/engine/pipeline/matching';
import { defaultSyncFeatures, type EntraObject, type EntraObjectKind } from '../../../src/engine/ports/entra-target';

const root = path.resolve(__dirname, '../../..');
const catalogDir = path.join(root, 'src/engine/errors/catalog');
/** The app's and the VS Code surface's catalogs, of the same shape as the engine's. */
const otherCatalogs = [path.join(root, 'src/app/errors.ts'), path.join(root, 'src/surfaces/vscode/error-catalog.ts')];

interface Site {
  where: string;
  code: string | undefined;
  /** Keys of the details argument; `maybeMissing` when optional or possibly undefined/null. */
  keys: Map<string, { maybeMissing: boolean; primitive: boolean; literals: string[] | undefined }>;
}

/** Every entry of every file in the catalog folder, by code. */
async function loadCatalog(): Promise<Map<string, { entry: CatalogEntry; file: string }>> {
  const entries = new Map<string, { entry: CatalogEntry; file: string }>();
  const files = [...readdirSync(catalogDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(catalogDir, f)), ...otherCatalogs];
  assert.ok(files.length >= 10, `catalog files: ${files.join(', ')}`);
  for (const file of files) {
    const mod = (await import(file)) as Record<string, Record<string, CatalogEntry>>;
    const catalogs = Object.values(mod).filter((v) => v && typeof v === 'object');
    assert.ok(catalogs.length > 0, `${file} exports no catalog`);
    for (const catalog of catalogs) {
      for (const [key, entry] of Object.entries(catalog)) {
        assert.equal(entry.code, key, `${file}: entry ${key} has code ${entry.code}`);
        assert.ok(!entries.has(entry.code), `${entry.code} is defined twice`);
        entries.set(entry.code, { entry, file });
      }
    }
  }
  return entries;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(full));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The raise sites, with the code of the entry and the keys of the details. */
function findRaiseSites(): Site[] {
  const files = [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'webview'))]
    .filter((f) => readFileSync(f, 'utf8').includes('SyncError('));
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const sites: Site[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText(source) === 'SyncError' && node.arguments?.length) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        const where = `${path.relative(root, file)}:${line + 1}`;
        const entryType = checker.getTypeAtLocation(node.arguments[0]!);
        const codeSymbol = entryType.getProperty('code');
        const codeType = codeSymbol ? checker.getTypeOfSymbolAtLocation(codeSymbol, node) : undefined;
        const code = codeType?.isStringLiteral() ? codeType.value : undefined;
        const keys: Site['keys'] = new Map();
        const detailsNode = node.arguments[1];
        if (detailsNode) {
          const detailsType = checker.getTypeAtLocation(detailsNode);
          for (const property of detailsType.getProperties()) {
            const type = checker.getTypeOfSymbolAtLocation(property, detailsNode);
            const parts = type.isUnion() ? type.types : [type];
            const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
            const nullish = parts.some((t) => (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0);
            const primitive = parts.every((t) => (t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null)) !== 0);
            const literals = parts.every((t) => t.isStringLiteral()) ? parts.map((t) => (t as ts.StringLiteralType).value) : undefined;
            keys.set(property.name, { maybeMissing: optional || nullish, primitive, literals });
          }
        }
        sites.push({ where, code, keys });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}

const KINDS = new Set(['user', 'group', 'contact', 'device']);
const unfilled = /\{\w+\}/;

test('every catalog entry, rendered with the details of each place that raises it, leaves no {placeholder} unfilled', async () => {
  const catalog = await loadCatalog();
  const sites = findRaiseSites();
  assert.ok(sites.length > 80, `found only ${sites.length} raise sites`);
  const problems: string[] = [];
  for (const site of sites.filter((s) => s.code === undefined)) {
    problems.push(`${site.where}: the entry is not a catalog constant (its code is not known at compile time)`);
  }
  for (const site of sites.filter((s) => s.code !== undefined && !catalog.has(s.code))) {
    problems.push(`${site.where}: raises ${site.code}, which no catalog file defines`);
  }
  for (const [code, { entry }] of catalog) {
    const raised = sites.filter((s) => s.code === code);
    if (raised.length === 0) {
      problems.push(`${code}: defined in the catalog but raised nowhere (delete it, or raise it)`);
      continue;
    }
    const needed = new Set([...placeholdersOf(entry.reason), ...placeholdersOf(entry.recommendedAction)]);
    for (const site of raised) {
      const details: Record<string, unknown> = {};
      for (const [key, facts] of site.keys) {
        if (!needed.has(key)) continue;
        if (facts.maybeMissing) problems.push(`${site.where}: ${code} {${key}} may be undefined or null there`);
        if (!facts.primitive) problems.push(`${site.where}: ${code} {${key}} is given an object, not text`);
        if (/kind$/i.test(key) && facts.literals && facts.literals.some((k) => !KINDS.has(k))) {
          problems.push(`${site.where}: ${code} {${key}} can be ${facts.literals.join(' | ')}, not an object kind`);
        }
        details[key] = `<${key}>`;
      }
      const error = new SyncError(entry, details);
      for (const [field, text] of [['reason', error.reason], ['recommendedAction', error.recommendedAction]] as const) {
        const left = unfilled.exec(text);
        if (left) problems.push(`${site.where}: ${code} ${field} leaves ${left[0]} unfilled`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('every code, in every catalog, has a reason, a recommended action and a declared remedy', async () => {
  const catalog = await loadCatalog();
  assert.ok(catalog.size > 80, `${catalog.size} codes`);
  const remedies = new Set<Remedy>(['credentials', 'configuration', 'configurationFile', 'none']);
  for (const [code, { entry, file }] of catalog) {
    assert.ok(entry.reason.trim() !== '', `${code} (${file}) has a reason`);
    assert.ok(entry.recommendedAction.trim() !== '', `${code} (${file}) has a recommended action`);
    assert.ok(remedies.has(entry.remedy), `${code} (${file}) declares its remedy, not ${String(entry.remedy)}`);
  }
  // Spot checks of what the user changes, from the entries' own recommended actions.
  assert.equal(catalog.get('InvalidCredentials')?.entry.remedy, 'credentials');
  assert.equal(catalog.get('AuthenticationFailed')?.entry.remedy, 'credentials');
  assert.equal(catalog.get('ConfigurationInvalid')?.entry.remedy, 'configuration');
  assert.equal(catalog.get('InsecureBindRefused')?.entry.remedy, 'configuration', 'ldaps:// or startTls is a configuration change, not a password');
  assert.equal(catalog.get('UntrustedWorkspaceConfiguration')?.entry.remedy, 'configurationFile');
  assert.equal(catalog.get('NoSuchObject')?.entry.remedy, 'none');
});

test('the engine\'s codes are a type derived from the catalog: an unknown code does not compile', () => {
  const known: ErrorCode = 'NoSuchObject';
  // @ts-expect-error -- not a code of the engine's catalog
  const unknown: ErrorCode = 'NoSuchObjectt';
  // @ts-expect-error -- the extension's codes are the surface's, not the engine's
  const surface: ErrorCode = 'NoWorkspaceFolder';
  assert.equal(known, directoryErrors.NoSuchObject.code);
  void unknown;
  void surface;
});

test('the placeholder scanner reads templates as fill() does', () => {
  assert.deepEqual(placeholdersOf('The {attribute} of {kind} {id}: {"literal": 1} {not a word}'), ['attribute', 'kind', 'id']);
  const error = new SyncError({ code: 'Probe', reason: '{a} and {b}', recommendedAction: 'Fix {a}.', category: 'failure', remedy: 'none' }, { a: 'x' });
  assert.equal(error.reason, 'x and {b}', 'a key left out stays visible, which the test above reports');
});

describe('ObjectTypeMismatch names both kinds the right way round', () => {
  const features = { ...defaultSyncFeatures, source: 'tenant' as const };
  const identity = { userPrincipalName: 'alice.wu@contoso.com', primarySmtp: 'alice.wu@contoso.com', smtpAddresses: ['alice.wu@contoso.com'] };
  const cases: { exported: EntraObjectKind; holder: EntraObject }[] = [
    { exported: 'user', holder: { kind: 'group', id: 'g1', properties: { displayName: 'List', mail: 'alice.wu@contoso.com', proxyAddresses: ['SMTP:alice.wu@contoso.com'] } } },
    { exported: 'group', holder: { kind: 'user', id: 'u1', properties: { displayName: 'Alice', userPrincipalName: 'x@contoso.com', proxyAddresses: ['SMTP:alice.wu@contoso.com'] } } },
  ];
  for (const { exported, holder } of cases) {
    test(`a ${exported} whose primary SMTP address a cloud ${holder.kind} holds`, async () => {
      const decision = await decideMatch({ kind: exported, sourceAnchor: 'QUJD', identity, features, holders: [holder] }, async () => []);
      assert.equal(decision.kind, 'conflict');
      const error = (decision as { error: SyncError }).error;
      assert.equal(error.code, 'ObjectTypeMismatch');
      assert.equal(error.reason, `The proxyAddresses value belongs to a Microsoft Entra ${holder.kind}, but the object being exported is a ${exported}.`);
    });
  }
});

test('a value that ends a sentence before the template\'s full stop leaves one stop (an ellipsis is kept)', () => {
  const problem = (text: string) => new SyncError(directoryErrors.LdifUnreadable, { file: 'x.ldif', line: 3, problem: text }).reason;
  assert.match(problem('the character \'<\' must be escaped with a backslash.'), /with a backslash\.$/);
  assert.doesNotMatch(problem('the character \'<\' must be escaped with a backslash.'), /\.\.$/);
  assert.match(problem('it ends in an ellipsis...'), /ellipsis\.\.\.\.?$/);
  assert.match(problem('no stop'), /no stop\.$/);
});
