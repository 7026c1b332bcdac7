// The report as data: a small tree of elements and text (ViewNode), built by the `view`
// tagged template, written out as HTML for the standalone file (toHtml) and turned into DOM
// nodes in the VS Code panel (toDom). Nothing here ever parses data as markup: the literal
// parts of a template (trusted, written in this repository) are parsed once per call site;
// every interpolated value (AD data, DNs, Graph responses: untrusted) becomes a text node or
// an attribute value, never a tag. Runs in Node and in the browser (no imports).

/** An element; its tag and attribute names only ever come from template literals. */
export interface ViewElement {
  tag: string;
  attrs: Record<string, string>;
  children: ViewNode[];
}
/** Text is a plain string: shown as text, escaped when written as HTML. */
export type ViewNode = string | ViewElement;

/** A fragment built by `view`; interpolating one into another nests its nodes. */
export class View {
  constructor(readonly nodes: ViewNode[]) {}
  /** The fragment as HTML (every text and attribute value escaped). */
  get value(): string {
    return toHtml(this.nodes);
  }
  toString(): string {
    return this.value;
  }
}

export type Interpolation = View | string | number | boolean | null | undefined | readonly Interpolation[];

/**
 * Characters that change how text around them is shown without being seen: bidi overrides,
 * embeddings and isolates, zero-width characters, soft hyphen, controls other than tab and
 * line breaks. AD data is shown with them as visible escapes (\u202E), so a value cannot
 * reorder or hide what the report says. The values themselves are unchanged in the JSON.
 */
// eslint-disable-next-line no-control-regex
export const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const HAS_INVISIBLE = new RegExp(INVISIBLE.source);

export function showInvisible(text: string): string {
  // Most text has none: a test (no callback, no new string) first.
  if (!HAS_INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for double- or single-quoted attribute values. */
const HAS_SPECIAL = /[&<>"']/;
export function escapeHtml(text: string): string {
  if (!HAS_SPECIAL.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

const voidTags = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'col', 'wbr']);
const named: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', middot: '\u00b7', mdash: '\u2014', ndash: '\u2013',
  hellip: '\u2026', minus: '\u2212', rarr: '\u2192', larr: '\u2190', times: '\u00d7', check: '\u2713',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    const found = named[name.toLowerCase()];
    if (found === undefined) throw new Error(`view: unknown entity ${whole}`);
    return found;
  });
}

// A template compiled from its literal parts: holes mark where the values go.
type Part = string | { hole: number };
type Compiled = { tag: string; attrs: [string, Part[]][]; children: Compiled[] } | Part;

const HOLE_OPEN = '\uE000';
const HOLE_CLOSE = '\uE001';

function splitHoles(text: string, decode: boolean): Part[] {
  const parts: Part[] = [];
  const re = /\uE000(\d+)\uE001/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(decode ? decodeEntities(text.slice(last, m.index)) : text.slice(last, m.index));
    parts.push({ hole: Number(m[1]) });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(decode ? decodeEntities(text.slice(last)) : text.slice(last));
  return parts;
}

function compile(strings: readonly string[]): Compiled[] {
  const source = strings.reduce((all, s, i) => (i === 0 ? s : `${all}${HOLE_OPEN}${i - 1}${HOLE_CLOSE}${s}`), '');
  const root: Compiled[] = [];
  const stack: { tag: string; children: Compiled[] }[] = [{ tag: '', children: root }];
  const top = () => stack[stack.length - 1]!.children;
  let p = 0;
  const fail = (why: string): never => {
    throw new Error(`view: ${why} at ${p} in template ${JSON.stringify(source.slice(Math.max(0, p - 40), p + 40))}`);
  };
  while (p < source.length) {
    if (source.startsWith('<!--', p)) {
      const end = source.indexOf('-->', p);
      p = end < 0 ? source.length : end + 3;
    } else if (source.startsWith('</', p)) {
      const end = source.indexOf('>', p);
      if (end < 0) fail('unclosed end tag');
      const tag = source.slice(p + 2, end).trim().toLowerCase();
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at <= 0) fail(`</${tag}> closes nothing`);
      stack.length = at;
      p = end + 1;
    } else if (source[p] === '<' && /[a-z]/i.test(source[p + 1] ?? '')) {
      const nameMatch = /^<([a-z][a-z0-9-]*)/i.exec(source.slice(p))!;
      const tag = nameMatch[1]!.toLowerCase();
      p += nameMatch[0].length;
      const attrs: [string, Part[]][] = [];
      let selfClosing = false;
      for (;;) {
        while (/\s/.test(source[p] ?? '')) p++;
        if (p >= source.length) fail('unclosed tag');
        if (source[p] === '>') { p++; break; }
        if (source.startsWith('/>', p)) { p += 2; selfClosing = true; break; }
        const attrName = /^[^\s=>/]+/.exec(source.slice(p))?.[0];
        if (!attrName || attrName.includes(HOLE_OPEN)) fail('a value may only stand inside an attribute value or element content');
        p += attrName!.length;
        let value: Part[] = [];
        if (source[p] === '=') {
          p++;
          const quote = source[p];
          if (quote !== '"' && quote !== "'") fail('attribute values must be quoted');
          const end = source.indexOf(quote!, p + 1);
          if (end < 0) fail('unclosed attribute value');
          value = splitHoles(source.slice(p + 1, end), true);
          p = end + 1;
        }
        attrs.push([attrName!.toLowerCase(), value]);
      }
      const element = { tag, attrs, children: [] as Compiled[] };
      top().push(element);
      if (!selfClosing && !voidTags.has(tag)) stack.push({ tag, children: element.children });
    } else {
      let end = source.indexOf('<', p + 1);
      while (end >= 0 && !/[a-z/!]/i.test(source[end + 1] ?? '')) end = source.indexOf('<', end + 1);
      if (end < 0) end = source.length;
      top().push(...splitHoles(source.slice(p, end), true));
      p = end;
    }
  }
  return root;
}

const compiled = new WeakMap<TemplateStringsArray, Compiled[]>();

function contentOf(value: Interpolation, out: ViewNode[]): void {
  if (value === null || value === undefined || value === false) return;
  if (value instanceof View) out.push(...value.nodes);
  else if (Array.isArray(value)) for (const v of value as readonly Interpolation[]) contentOf(v, out);
  else out.push(showInvisible(String(value)));
}

function textOf(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof View) return textContent(value.nodes);
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(textOf).join('');
  return showInvisible(String(value));
}

function instantiate(nodes: readonly Compiled[], values: readonly Interpolation[], out: ViewNode[]): void {
  for (const node of nodes) {
    if (typeof node === 'string') out.push(node);
    else if ('hole' in node) contentOf(values[node.hole], out);
    else {
      const attrs: Record<string, string> = {};
      for (const [name, parts] of node.attrs) attrs[name] = parts.map((part) => (typeof part === 'string' ? part : textOf(values[part.hole]))).join('');
      const children: ViewNode[] = [];
      instantiate(node.children, values, children);
      out.push({ tag: node.tag, attrs, children });
    }
  }
}

/** Tagged template: literal parts are trusted markup, parsed once; interpolations are text. */
export function view(strings: TemplateStringsArray, ...values: Interpolation[]): View {
  let template = compiled.get(strings);
  if (!template) {
    template = compile(strings);
    compiled.set(strings, template);
  }
  const out: ViewNode[] = [];
  instantiate(template, values, out);
  return new View(out);
}

export function joinViews(fragments: readonly View[]): View {
  return new View(fragments.flatMap((f) => f.nodes));
}

export function textContent(nodes: readonly ViewNode[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : textContent(n.children))).join('');
}

/** The nodes as HTML: every text and attribute value escaped. */
export function toHtml(nodes: readonly ViewNode[]): string {
  // One list of parts joined once (a report is thousands of nodes deep and wide).
  const parts: string[] = [];
  writeHtml(nodes, parts);
  return parts.join('');
}

function writeHtml(nodes: readonly ViewNode[], parts: string[]): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      parts.push(escapeHtml(node));
      continue;
    }
    parts.push('<', node.tag);
    for (const name in node.attrs) {
      const value = node.attrs[name]!;
      if (value === '' && booleanAttrs.has(name)) parts.push(' ', name);
      else parts.push(' ', name, '="', escapeHtml(value), '"');
    }
    parts.push('>');
    if (voidTags.has(node.tag)) continue;
    writeHtml(node.children, parts);
    parts.push('</', node.tag, '>');
  }
}
const booleanAttrs = new Set(['open', 'hidden', 'checked', 'disabled']);

// What toDom builds. The tree comes from the extension host, but it is checked anyway: only
// these tags, no event-handler attributes, links only in-page or http(s).
const allowedTags = new Set([
  'a', 'abbr', 'br', 'button', 'caption', 'code', 'dd', 'details', 'div', 'dl', 'dt', 'em', 'footer', 'h1', 'h2', 'h3', 'h4', 'header',
  'input', 'label', 'li', 'nav', 'ol', 'p', 'pre', 'section', 'span', 'strong', 'summary', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
]);

function safeAttribute(name: string, value: string): boolean {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name.startsWith('on') || name === 'style' || name === 'srcdoc') return false;
  if (name === 'href' || name === 'src' || name === 'action' || name === 'formaction') return value.startsWith('#') || /^https?:\/\//i.test(value);
  return true;
}

/** The nodes as DOM nodes of `doc` (text through text nodes; nothing parsed as markup). */
export function toDom(nodes: readonly ViewNode[], doc: Document): Node[] {
  return nodes.map((node) => {
    if (typeof node === 'string') return doc.createTextNode(node);
    if (!allowedTags.has(node.tag)) throw new Error(`view: <${node.tag}> is not allowed in the report`);
    const element = doc.createElement(node.tag);
    for (const [name, value] of Object.entries(node.attrs)) if (safeAttribute(name, value)) element.setAttribute(name, value);
    element.append(...toDom(node.children, doc));
    return element;
  });
}
