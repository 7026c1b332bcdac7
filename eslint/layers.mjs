// The layer rule: every import in src/ and webview/ is resolved to the file it names and
// allowed only when that file's layer is below (or beside, within its own layer) the
// importer's. Paths, not package names: a relative import of an adapter from the engine fails.
import path from 'node:path';

/** Layer of a path relative to the project root, or undefined (tests, tools: no rule). */
export function layerOf(relative) {
  const p = relative.split(path.sep).join('/');
  if (p.startsWith('src/engine/')) return 'engine';
  if (p.startsWith('src/io/')) return 'io';
  if (p.startsWith('src/ad/')) return 'ad';
  if (p.startsWith('src/entra/')) return 'entra';
  if (p.startsWith('src/state/')) return 'state';
  if (p.startsWith('src/report/')) return 'report';
  if (p.startsWith('src/config/') || p.startsWith('src/batch/') || /^src\/(session|version)(\.ts)?$/.test(p)) return 'app';
  if (p.startsWith('src/cli/')) return 'cli';
  if (p.startsWith('src/extension/')) return 'extension';
  if (/^webview\/protocol(\.ts)?$/.test(p)) return 'webview-protocol';
  if (p.startsWith('webview/')) return 'webview';
  if (p.startsWith('schemas/')) return 'schemas';
  return undefined;
}

/** Who may import whom. The engine is the bottom; surfaces reach adapters only through the app. */
export const allowedLayers = {
  engine: ['engine'],
  io: ['io', 'engine'],
  ad: ['ad', 'engine', 'io'],
  entra: ['entra', 'engine', 'io'],
  state: ['state', 'engine', 'io'],
  report: ['report', 'engine', 'io'],
  app: ['app', 'engine', 'io', 'ad', 'entra', 'state', 'report', 'schemas'],
  cli: ['cli', 'app', 'report', 'engine', 'io'],
  extension: ['extension', 'app', 'report', 'engine', 'io', 'webview-protocol'],
  'webview-protocol': ['webview-protocol', 'engine'],
  webview: ['webview', 'webview-protocol', 'engine'],
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
