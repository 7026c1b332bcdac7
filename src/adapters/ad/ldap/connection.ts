// One LDAP connection for a directory source (ldapts): opened on first use and reused, LDAPS or
// StartTLS with certificate verification (a configured CA pins), simple bind, reopened with TLS
// and bind when the DC closed it. Every operation runs through run(), which counts it and turns
// what ldapts throws into the catalog's errors.
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Client } from 'ldapts';
import { directoryErrors } from '../../../engine/errors/catalog/directory';
import { SyncError } from '../../../engine/errors/sync-error';
import type { Dn } from '../../../engine/model/dn';
import { toSyncError } from './errors';
import { guardSocket, unguardSocket } from './wire-guard';
import { readPemFileSync } from '../../io/read-bounded';

export interface LdapSourceOptions {
  /** ldaps://host:636 or ldap://host:389. */
  url: string;
  /** Connector name, for messages. */
  connectorName?: string;
  bindDn?: string;
  password?: string;
  /** PEM file of the CA that issued the DC certificate (added to Node's trusted roots). */
  caFile?: string;
  /** Name expected in the DC certificate (when the URL uses an IP address or an alias). */
  serverName?: string;
  startTls?: boolean;
  allowInsecure?: boolean;
  connectTimeoutMs?: number;
  operationTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;

export class LdapConnection {
  private readonly url: URL;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  /** Operations sent so far, shared with the connections forked from this one (fork()). */
  private readonly counter: { operations: number };
  private readonly connectTimeoutMs: number;
  private readonly operationTimeoutMs: number;

  constructor(readonly options: LdapSourceOptions, counter?: { operations: number }) {
    this.counter = counter ?? { operations: 0 };
    try {
      this.url = new URL(options.url);
    } catch {
      throw this.configError(`"${options.url}" is not a URL (expected ldaps://host:636 or ldap://host:389)`);
    }
    if (this.url.protocol !== 'ldaps:' && this.url.protocol !== 'ldap:') {
      throw this.configError(`the URL scheme "${this.url.protocol}" is not ldap: or ldaps:`);
    }
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  }

  /** Operations sent so far (after bind). */
  operationCount(): number {
    return this.counter.operations;
  }

  /** Counts an operation sent outside run() (a paged search's next page); -1 takes one back. */
  count(delta: 1 | -1 = 1): void {
    this.counter.operations += delta;
  }

  /**
   * A second connection to the same domain controller with the same account and TLS, whose
   * operations count as this one's: for a search run beside another (a domain controller
   * answers the operations of one connection one after the other). Its caller closes it.
   */
  fork(): LdapConnection {
    return new LdapConnection(this.options, this.counter);
  }

  /** The server-side time limit of a search, from the operation time-out. */
  get timeLimitSeconds(): number {
    return Math.max(1, Math.ceil(this.operationTimeoutMs / 1000));
  }

  /** The connected client now, if any (a paged search's cookie is only valid on it). */
  get current(): Client | undefined {
    return this.client;
  }

  private configError(problem: string): SyncError {
    return new SyncError(directoryErrors.InvalidDirectoryConfiguration, { connector: this.options.connectorName ?? this.options.url, problem });
  }

  private get host(): string {
    return this.url.hostname.replace(/^\[|\]$/g, '');
  }

  /** Turns what ldapts threw during an operation into the catalog's error. */
  error(err: unknown, operation: string, dn?: Dn | string): SyncError {
    return toSyncError(err, this.errorContext(operation, dn === undefined ? undefined : String(dn)));
  }

  /**
   * An answer the adapter refuses (answer-checks.ts): a DirectoryAnswerInvalid naming this
   * server, the operation and the DN.
   */
  invalidAnswer(operation: string, dn: Dn | string | undefined, problem: string): SyncError {
    const ctx = this.errorContext(operation, dn === undefined ? undefined : String(dn));
    return new SyncError(directoryErrors.DirectoryAnswerInvalid, { url: ctx.url, server: ctx.server, operation, dn: ctx.dn || '(the RootDSE)', problem });
  }

  private errorContext(operation: string, dn?: string) {
    return {
      url: this.options.url,
      server: this.options.serverName ?? this.host,
      bindDn: this.options.bindDn,
      operation,
      dn,
      timeoutMs: this.operationTimeoutMs,
      connectTimeoutMs: this.connectTimeoutMs,
    };
  }

  private tlsOptions(): ConnectionOptions {
    const serverName = this.options.serverName ?? (isIP(this.host) ? undefined : this.host);
    let ca: Buffer | undefined;
    if (this.options.caFile) {
      try {
        ca = readPemFileSync(this.options.caFile);
      } catch (err) {
        throw this.configError(`the CA file ${this.options.caFile} cannot be read (${(err as Error).message})`);
      }
    }
    return {
      // Verification is always on. A CA file PINS: Node's `ca` replaces the default roots, so
      // only that CA's certificates are accepted for this domain controller.
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(ca ? { ca: [ca] } : {}),
      ...(serverName ? { servername: serverName } : {}),
    };
  }

  /** The bound client, connecting (and binding) on first use or after the DC closed it. */
  connection(): Promise<Client> {
    if (this.client?.isConnected) return Promise.resolve(this.client);
    // The DC closed the connection (idle time-out, restart): open a new one with TLS and bind
    // again, rather than let ldapts reconnect silently without StartTLS or bind.
    if (this.client) {
      const stale = this.client;
      this.client = undefined;
      void stale.unbind().catch(() => undefined);
    }
    this.connecting ??= this.openConnection().then(
      (client) => {
        this.client = client;
        this.connecting = undefined;
        return client;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  private async openConnection(): Promise<Client> {
    const secure = this.url.protocol === 'ldaps:';
    const { bindDn, password, startTls, allowInsecure } = this.options;
    if (!secure && !startTls && bindDn && !allowInsecure) {
      throw new SyncError(directoryErrors.InsecureBindRefused, { url: this.options.url, bindDn });
    }
    if (bindDn && !password) {
      throw new SyncError(directoryErrors.MissingBindPassword, { bindDn, connector: this.options.connectorName ?? this.options.url });
    }
    const tlsOptions = secure || startTls ? this.tlsOptions() : undefined;
    const client = new Client({
      url: this.options.url,
      connectTimeout: this.connectTimeoutMs,
      timeout: this.operationTimeoutMs,
      strictDN: false, // DNs are parsed by the engine's RFC 4514 parser where they enter
      // Every socket is watched for what no domain controller sends (wire-guard.ts); StartTLS
      // moves the watch from the plain socket to the TLS one.
      createConnection: ((port: number, host: string) => guardSocket(netConnect(port, host))) as typeof netConnect,
      createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => {
        const options = args.find((a): a is ConnectionOptions => typeof a === 'object' && a !== null);
        unguardSocket(options?.socket as Parameters<typeof unguardSocket>[0]);
        return guardSocket(Reflect.apply(tlsConnect, undefined, args) as TLSSocket);
      }) as typeof tlsConnect,
      ...(secure ? { tlsOptions } : {}),
    });
    try {
      if (startTls && !secure) {
        await client.startTLS({ ...tlsOptions, servername: tlsOptions?.servername ?? this.host });
      }
      if (bindDn) await client.bind(bindDn, password);
      return client;
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw toSyncError(err, this.errorContext(startTls && !secure ? 'StartTLS or bind' : 'bind'));
    }
  }

  /** Runs one counted operation on the bound client; errors come out as the catalog's. */
  async run<T>(operation: string, dn: Dn | string | undefined, action: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connection();
    try {
      this.counter.operations++;
      return await action(client);
    } catch (err) {
      throw this.error(err, operation, dn);
    }
  }

  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await client.unbind().catch(() => undefined);
  }
}
