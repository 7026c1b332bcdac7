// The HTTPS proxy for an Entra endpoint, from the process environment as curl and most tools read
// it: HTTPS_PROXY (or https_proxy), with NO_PROXY (or no_proxy) naming the hosts reached directly.
// Behind a corporate proxy the sign-in and Graph calls otherwise end in "could not reach". The
// proxy only tunnels (CONNECT): TLS runs end to end with the endpoint, under the same trust (a
// pinned caFile stays pinned), so the proxy never sees a secret or a token. Only the process
// environment is read (a workspace cannot set it); the proxy's own credentials, if its URL
// holds any, are never repeated in a message.
import { holdSecret } from './redact';

export interface ProxyChoice {
  /** The proxy URL as given (credentials included: for the Proxy-Authorization header only). */
  uri: string;
  /** The proxy as messages name it: scheme, host and port. */
  shown: string;
}

/** Does NO_PROXY name `host` (port `port`)? Entries: a host, a domain (".contoso.com" or "contoso.com" for its subdomains too), host:port, or "*". */
export function bypassesProxy(noProxy: string | undefined, host: string, port: string): boolean {
  if (!noProxy) return false;
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // [v6]:port or [v6], host:port, or a bare host or IPv6 address (more than one colon).
    let pattern = entry;
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) [, pattern = '', entryPort] = bracketed;
    else if (entry.split(':').length === 2) [pattern = '', entryPort] = entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const domain = pattern.replace(/^\*?\./, '');
    if (name === domain || name.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** The proxy to reach `endpoint` through, or undefined to go direct. */
export function proxyFor(endpoint: string, env: NodeJS.ProcessEnv = process.env): ProxyChoice | undefined {
  const target = new URL(endpoint);
  const uri = env.HTTPS_PROXY ?? env.https_proxy;
  if (!uri) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (bypassesProxy(env.NO_PROXY ?? env.no_proxy, target.hostname, port)) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(uri.includes('://') ? uri : `http://${uri}`);
  } catch {
    throw new TypeError('HTTPS_PROXY is not a URL (expected http://proxy.contoso.com:8080)');
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') throw new TypeError(`HTTPS_PROXY must be an http:// or https:// URL (its scheme is ${proxy.protocol})`);
  // The proxy's password, as written in the URL and decoded, is never shown (redact.ts).
  if (proxy.password) {
    holdSecret(proxy.password);
    try {
      holdSecret(decodeURIComponent(proxy.password));
    } catch {
      // not percent-encoded text: held as written
    }
  }
  return { uri: proxy.href, shown: `${proxy.protocol}//${proxy.host}` };
}
