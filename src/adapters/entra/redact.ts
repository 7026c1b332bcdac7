// The secrets this process holds never leave the Entra adapter in a text. A token endpoint, a
// proxy in the way or a hostile Graph may echo what it was sent ("Invalid client secret
// provided: '<secret>'", a login page quoting the form, a body echoing the Authorization
// header): every text the adapter builds from a remote answer goes through withoutSecrets()
// before it is cut to a length (a cut must not leave half a secret), and every error leaving
// the adapter goes through secretFree() (createEntraTarget wraps the EntraTarget in it), so
// the reason, the recommended action and the details that reach stderr, the JSON and the HTML
// report never carry one, whatever built them.
//
// Held: the client secret (loadCredential), every access token issued and the tokens of a
// device code sign-in's cache (TokenSource), the proxy's password (HTTPS_PROXY, proxy.ts), and
// what the composition root hands over with holdSecret() (the bind password). Each is removed as
// sent and in the forms it travels in: URL-encoded (form body, query; either hex case),
// JSON-escaped and HTML-escaped. Any JWT is removed too (a token not held yet, or the client
// assertion a certificate signs).
import { SyncError } from '../../engine/errors';

/** What a removed secret reads as. */
export const SECRET_MARK = '[secret removed]';

/**
 * Shorter values are not scrubbed as substrings: "abc" would be cut out of every word holding
 * it (the report's own --redact draws the same line).
 */
export const MIN_SECRET_LENGTH = 4;

/** Access tokens kept for scrubbing (a long run renews its token hourly): the newest ones. */
const MAX_TOKENS = 16;

const credentials = new Set<string>();
const tokens: string[] = [];
let compiled: RegExp | null | undefined;

/** Scrub `value` (a password, a client secret) from every text the adapter shows from now on. */
export function holdSecret(value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || credentials.has(value)) return;
  credentials.add(value);
  compiled = undefined;
}

/** An access token the identity platform issued: scrubbed as a secret (the newest MAX_TOKENS). */
export function holdToken(value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || tokens.includes(value)) return;
  tokens.push(value);
  if (tokens.length > MAX_TOKENS) tokens.shift();
  compiled = undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** application/x-www-form-urlencoded, as a token request's body carries a client_secret. */
const formEncoded = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);

/** The forms a secret travels and comes back in. */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const encoded = [encodeURIComponent(secret), encodeURI(secret), formEncoded(secret)];
  return [
    secret, json, json.replace(/\//g, '\\/'), html(secret),
    ...encoded, ...encoded.map((e) => e.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())),
  ];
}

/**
 * Forms longer than this are removed by plain search, not in the pattern: a value of megabytes
 * (a forged token, a cache kept by the surface) would make the pattern too large to compile, and
 * every later text of the process would fail with a SyntaxError instead of being scrubbed.
 */
const LONG_FORM = 4096;
let longForms: string[] = [];

function pattern(): RegExp | null {
  if (compiled !== undefined) return compiled;
  const forms = new Set<string>();
  for (const secret of [...credentials, ...tokens]) for (const form of formsOf(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  // Longest first: a form containing another is removed whole.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  longForms = sorted.filter((f) => f.length > LONG_FORM);
  const short = sorted.filter((f) => f.length <= LONG_FORM);
  compiled = short.length ? new RegExp(short.map(escapeRegExp).join('|'), 'g') : null;
  return compiled;
}

/**
 * A signed JWT (header.payload.signature, base64url, the header a JSON object: "eyJ"): an access
 * or refresh-grant token, or the client assertion a certificate signs. No error text needs one.
 */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g;

/** `text` with every held secret, in every form it travels in, and every JWT, replaced by SECRET_MARK. */
export function withoutSecrets(text: string): string {
  if (text.length < MIN_SECRET_LENGTH) return text;
  const re = pattern();
  let held = text;
  for (const form of longForms) if (held.length >= form.length && held.includes(form)) held = held.split(form).join(SECRET_MARK);
  if (re) held = held.replace(re, SECRET_MARK);
  return held.replace(JWT, SECRET_MARK);
}

/** Whether `text` holds a held secret in any form. */
export function holdsSecret(text: string): boolean {
  return withoutSecrets(text) !== text;
}

/** Strings inside `value` (details: plain objects and arrays, a few levels deep) scrubbed; the same object when none held a secret. */
function scrubValue<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return withoutSecrets(value) as T;
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => scrubValue(v, depth + 1));
    return (items.some((v, i) => v !== value[i]) ? items : value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = scrubValue(v, depth + 1);
    if (out[key] !== v) changed = true;
  }
  return (changed ? out : value) as T;
}

/** The cause chain as far as it holds no secret; from the first link that does, a scrubbed copy (name, code, message). */
function scrubCause(cause: unknown, depth = 0): unknown {
  if (depth > 4 || typeof cause !== 'object' || cause === null) return cause;
  const e = cause as { name?: unknown; code?: unknown; message?: unknown; errorMessage?: unknown; stack?: unknown; cause?: unknown };
  const texts = [e.message, e.errorMessage, e.stack].filter((t): t is string => typeof t === 'string');
  if (!texts.some(holdsSecret)) {
    const inner = scrubCause(e.cause, depth + 1);
    if (inner === e.cause) return cause;
  }
  const copy = new Error(withoutSecrets(String(e.message ?? e.errorMessage ?? '')));
  if (typeof e.name === 'string') copy.name = e.name;
  if (typeof e.code === 'string' || typeof e.code === 'number') Object.assign(copy, { code: e.code });
  copy.stack = withoutSecrets(typeof e.stack === 'string' ? e.stack : `${copy.name}: ${copy.message}`);
  const inner = scrubCause(e.cause, depth + 1);
  if (inner !== undefined) Object.assign(copy, { cause: inner });
  return copy;
}

/**
 * `err` with no held secret in any text: a SyncError's reason, recommended action, details and
 * cause; another Error's message and stack. The same object when it held none.
 */
export function secretFree<T>(err: T): T {
  if (typeof err !== 'object' || err === null) return err;
  if (err instanceof SyncError) {
    const reason = withoutSecrets(err.reason);
    const recommendedAction = withoutSecrets(err.recommendedAction);
    const details = scrubValue(err.details);
    const cause = scrubCause(err.cause);
    if (reason === err.reason && recommendedAction === err.recommendedAction && details === err.details && cause === err.cause) return err;
    const copy = SyncError.revive({
      code: err.code, reason, recommendedAction, category: err.category, remedy: err.remedy, details,
      ...(err.documentationUrl ? { documentationUrl: err.documentationUrl } : {}),
    });
    if (typeof err.stack === 'string') copy.stack = withoutSecrets(err.stack);
    if (cause !== undefined) Object.defineProperty(copy, 'cause', { value: cause, writable: true, configurable: true, enumerable: false });
    return copy as T;
  }
  if (err instanceof Error) return scrubCause(err) as T;
  return err;
}

/**
 * The same object, every method's failure (thrown or rejected) passed through secretFree: the
 * adapter's one exit for errors.
 */
export function secretFreeErrors<T extends object>(target: T): T {
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      let wrapper = wrapped.get(value);
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = method.apply(object, args);
          } catch (err) {
            throw secretFree(err);
          }
          if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(secretFree(err)));
          return result;
        };
        wrapped.set(value, wrapper);
      }
      return wrapper;
    },
  });
}
