// The layer rule: every import in src/ and webview/ is resolved to the file it names and
// allowed only when that file's layer is below (or beside, within its own layer) the
// importer's. Paths, not package names: a relative import of an adapter from the engine fails.
import path from 'node:path';

/** Layer of a path relative to the project root, or undefined (tests, tools: no rule). */
export function layerOf(relative) {
  const p = relative.split(path.sep).join('/');
  const within = (file, folder) => file === folder || file.startsWith(`${folder}/`);
  if (within(p, 'src/engine')) return 'engine';
  if (within(p, 'src/adapters/io')) return 'io';
  if (within(p, 'src/adapters/ad')) return 'ad';
  if (within(p, 'src/adapters/entra')) return 'entra';
  if (within(p, 'src/adapters/state')) return 'state';
  if (within(p, 'src/report/browser')) return 'report-browser';
  if (within(p, 'src/report')) return 'report';
  if (within(p, 'src/app')) return 'app';
  if (within(p, 'src/surfaces/cli')) return 'cli';
  if (within(p, 'src/surfaces/vscode')) return 'vscode';
  if (/^webview\/(batch\/)?protocol(\.ts)?$/.test(p)) return 'webview-protocol';
  if (p.startsWith('webview/')) return 'webview';
  if (p.startsWith('schemas/')) return 'schemas';
  if (p.startsWith('src/')) return 'unplaced';
  return undefined;
}

/**
 * Who may import whom: the folders are the layers. The engine is the bottom; adapters implement
 * its ports; the report renders its results; the app composes them; surfaces reach adapters only
 * through the app (the owner-only file helpers excepted). A file outside these folders is an error.
 */
export const allowedLayers = {
  engine: ['engine'],
  io: ['io', 'engine'],
  ad: ['ad', 'engine', 'io'],
  entra: ['entra', 'engine', 'io'],
  state: ['state', 'engine', 'io'],
  // The report's browser parts (the view tree, the model, the report script): the panel uses them too.
  'report-browser': ['report-browser', 'engine'],
  report: ['report', 'report-browser', 'engine'],
  app: ['app', 'engine', 'io', 'ad', 'entra', 'state', 'report', 'report-browser', 'schemas'],
  cli: ['cli', 'app', 'report', 'report-browser', 'engine', 'io'],
  vscode: ['vscode', 'app', 'report', 'report-browser', 'engine', 'io', 'webview-protocol'],
  'webview-protocol': ['webview-protocol', 'report-browser', 'engine'],
  webview: ['webview', 'webview-protocol', 'report-browser', 'engine'],
  unplaced: [],
};

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only the layers below it (ARCHITECTURE section 2).' },
    schema: [],
    messages: { forbidden: "The {{from}} layer may not import the {{to}} layer ('{{source}}'); allowed: {{allowed}}." },
  },
  create(context) {
    const root = context.cwd ?? process.cwd();
    const file = path.relative(root, context.filename);
    const from = layerOf(file);
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(path.relative(root, path.resolve(path.dirname(context.filename), source)));
      if (!to || allowedLayers[from].includes(to)) return;
      context.report({ node, messageId: 'forbidden', data: { from, to, source, allowed: allowedLayers[from].join(', ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { imports: rule } };
