// A configuration value checked and completed: the schema's problems, the checks the schema
// cannot say (a connector needs url or ldifFile, names are unique, a tenant names a credential),
// the defaults, and relative paths resolved against the configuration file's folder.
import path from 'node:path';
import type { ActiveDirectoryConnectorConfig, SingleObjectSyncConfig } from './model';
import type { PositionedJson } from './json-positions';
import type { ConfigProblem } from './problems';
import { checkSchema, DN_PATTERN_PROBLEM } from './schema-problems';
import { Dn } from '../../engine/model/dn';
import { explainNotADn } from '../../engine/model/other-object-names';

export interface ParsedConfiguration {
  /** The configuration with defaults applied and paths resolved (best effort when there are errors). */
  config: SingleObjectSyncConfig;
  problems: ConfigProblem[];
}

const resolvePath = (base: string, value: string | null | undefined) => (value ? path.resolve(base, value) : value);

/** Validate a parsed JSON configuration, apply defaults and resolve relative paths. */
export function parseConfiguration(json: unknown, configPath: string, positions?: PositionedJson): ParsedConfiguration {
  const file = path.resolve(configPath);
  const base = path.dirname(file);
  const problems: ConfigProblem[] = [];
  problems.push(...checkSchema(json, file, positions));
  const raw = (json && typeof json === 'object' ? json : {}) as Partial<SingleObjectSyncConfig> & Record<string, any>;
  const at = (pointer: string) => positions?.values.get(pointer) ?? {};

  const connectors: ActiveDirectoryConnectorConfig[] = (Array.isArray(raw.activeDirectory) ? raw.activeDirectory : []).map((c, i) => {
    const connector = { ...(c as ActiveDirectoryConnectorConfig) };
    if (connector && typeof connector === 'object') {
      if (!connector.url && !connector.ldifFile) {
        problems.push({ file, path: `$.activeDirectory[${i}]`, message: 'needs "url" (ldaps://...) or "ldifFile" (an LDIF snapshot)', severity: 'error', ...at(`/activeDirectory/${i}`) });
      }
      if (connector.url && connector.ldifFile) {
        problems.push({ file, path: `$.activeDirectory[${i}].ldifFile`, message: 'give either "url" or "ldifFile", not both', severity: 'error', ...at(`/activeDirectory/${i}/ldifFile`) });
      }
      if (typeof connector.ldifFile === 'string') connector.ldifFile = resolvePath(base, connector.ldifFile);
      if (typeof connector.tls?.caFile === 'string') connector.tls = { ...connector.tls, caFile: resolvePath(base, connector.tls.caFile) };
      if (Array.isArray(connector.partitions)) {
        connector.partitions = connector.partitions.filter((p) => p && typeof p === 'object').map((p) => ({ dn: p.dn, selected: p.selected ?? true, inclusions: p.inclusions ?? [], exclusions: p.exclusions ?? [] }));
      }
    }
    return connector;
  });
  problems.push(...dnProblems(raw, file, at, problems));
  problems.push(...scopeWarnings(raw, file, at));
  const names = new Map<string, number>();
  connectors.forEach((c, i) => {
    const key = String(c?.name ?? '').toLowerCase();
    if (names.has(key)) problems.push({ file, path: `$.activeDirectory[${i}].name`, message: `duplicate connector name "${c.name}"`, severity: 'error', ...at(`/activeDirectory/${i}/name`) });
    names.set(key, i);
  });

  const entra = { authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com', ...(raw.entra ?? {}) } as SingleObjectSyncConfig['entra'];
  if (typeof entra.certificateFile === 'string') entra.certificateFile = resolvePath(base, entra.certificateFile);
  if (typeof entra.caFile === 'string') entra.caFile = resolvePath(base, entra.caFile);
  if (raw.entra && entra.authMode === 'certificate' && !entra.certificateFile) {
    problems.push({ file, path: '$.entra.authMode', message: 'is "certificate" but no "certificateFile" is set', severity: 'error', ...at('/entra/authMode') });
  }
  if (raw.entra && !entra.authMode && !entra.clientSecretEnv && !entra.certificateFile) {
    problems.push({ file, path: '$.entra', message: 'names no credential: set "clientSecretEnv" (environment variable name) or "certificateFile", or "authMode": "deviceCode" to sign in as yourself', severity: 'warning', ...at('/entra') });
  }

  if (raw.entra) problems.push(...cloudMismatch(entra, file, at));

  const rules = raw.rules ?? 'builtin';
  const config: SingleObjectSyncConfig = {
    ...(raw as SingleObjectSyncConfig),
    activeDirectory: connectors,
    entra,
    sourceAnchor: raw.sourceAnchor ?? 'mS-DS-ConsistencyGuid',
    rules: typeof rules === 'object' && rules && typeof rules.serverConfiguration === 'string' ? { serverConfiguration: path.resolve(base, rules.serverConfiguration) } : rules,
    stateDir: typeof raw.stateDir === 'string' || raw.stateDir === undefined ? path.resolve(base, raw.stateDir ?? '.single-object-sync/state') : raw.stateDir,
    reportDir: typeof raw.reportDir === 'string' || raw.reportDir === undefined ? path.resolve(base, raw.reportDir ?? '.single-object-sync/reports') : raw.reportDir,
  };
  delete (config as unknown as Record<string, unknown>).$schema;
  return { config, problems };
}

/**
 * Every DN of the connectors (partitions, their inclusions and exclusions, the group-filtering
 * group) parsed now: one the schema's "=" lets through (an ADsPath LDAP://CN=..., a stray comma)
 * would otherwise load, and fail each sync at its scope step. Another name of an object (a
 * canonical name, DOMAIN\\name) is said as what it is; the schema's shorter word on the same value
 * is taken out of `schemaProblems`.
 */
function dnProblems(raw: Record<string, any>, file: string, at: (pointer: string) => object, schemaProblems: ConfigProblem[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const check = (value: unknown, pointer: string, jsonPath: string) => {
    if (typeof value !== 'string') return;
    const parsed = Dn.tryParse(value);
    if (parsed.ok && !parsed.dn.isRoot) return;
    const reason = parsed.ok ? 'the distinguished name is empty' : explainNotADn(value, parsed.error).reason.replace(/\.$/, '');
    out.push({ file, path: jsonPath, message: `is not a distinguished name: ${reason}`, severity: 'error', ...at(pointer) });
    for (let i = schemaProblems.length - 1; i >= 0; i--) {
      const p = schemaProblems[i]!;
      if (p.path === jsonPath && (p.message === DN_PATTERN_PROBLEM || p.message === 'must be of type null')) schemaProblems.splice(i, 1);
    }
  };
  (Array.isArray(raw.activeDirectory) ? raw.activeDirectory : []).forEach((c: any, i: number) => {
    if (!c || typeof c !== 'object') return;
    check(c.groupFilteringGroupDn, `/activeDirectory/${i}/groupFilteringGroupDn`, `$.activeDirectory[${i}].groupFilteringGroupDn`);
    (Array.isArray(c.partitions) ? c.partitions : []).forEach((p: any, j: number) => {
      if (!p || typeof p !== 'object') return;
      check(p.dn, `/activeDirectory/${i}/partitions/${j}/dn`, `$.activeDirectory[${i}].partitions[${j}].dn`);
      for (const list of ['inclusions', 'exclusions'] as const) {
        (Array.isArray(p[list]) ? p[list] : []).forEach((v: unknown, k: number) => check(v, `/activeDirectory/${i}/partitions/${j}/${list}/${k}`, `$.activeDirectory[${i}].partitions[${j}].${list}[${k}]`));
      }
    });
  });
  return out;
}

/** The object classes an Active Directory connector of Entra Connect selects (its export's object-inclusion list). */
const AD_CONNECTOR_CLASSES = ['user', 'inetOrgPerson', 'group', 'contact', 'computer', 'foreignSecurityPrincipal', 'msDS-Device', 'organizationalUnit', 'container', 'domainDNS'];

/**
 * What loads but can never match, said as warnings: a partition that is not a domain's naming
 * context (Entra Connect synchronizes domain partitions; at sync time it is PartitionNotInDirectory),
 * an inclusion or exclusion outside its partition (it never applies), an object type that is no
 * class the connector selects (a typo such as "users": every object of the intended class out of scope).
 */
function scopeWarnings(raw: Record<string, any>, file: string, at: (pointer: string) => object): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const warn = (pointer: string, jsonPath: string, message: string) => out.push({ file, path: jsonPath, message, severity: 'warning', ...at(pointer) });
  (Array.isArray(raw.activeDirectory) ? raw.activeDirectory : []).forEach((c: any, i: number) => {
    if (!c || typeof c !== 'object') return;
    (Array.isArray(c.objectTypes) ? c.objectTypes : []).forEach((t: unknown, k: number) => {
      if (typeof t !== 'string' || AD_CONNECTOR_CLASSES.some((known) => known.toLowerCase() === t.toLowerCase())) return;
      const meant = AD_CONNECTOR_CLASSES.find((known) => known.toLowerCase() === t.toLowerCase().replace(/e?s$/, ''));
      warn(`/activeDirectory/${i}/objectTypes/${k}`, `$.activeDirectory[${i}].objectTypes[${k}]`,
        `"${t}" is not an object class an Entra Connect AD connector selects (${AD_CONNECTOR_CLASSES.slice(0, 6).join(', ')}, ...)${meant ? `; did you mean "${meant}"?` : ''} An object is in scope at step 5 only when its class is listed`);
    });
    (Array.isArray(c.partitions) ? c.partitions : []).forEach((p: any, j: number) => {
      const partition = p && typeof p === 'object' && typeof p.dn === 'string' ? Dn.tryParse(p.dn) : undefined;
      if (!partition?.ok || partition.dn.isRoot) return;
      const base = `$.activeDirectory[${i}].partitions[${j}]`;
      if (p.selected !== false && partition.dn.rdns.some((r) => r.avas.some((a) => a.type.toLowerCase() !== 'dc'))) {
        const firstDc = partition.dn.rdns.findIndex((r) => r.avas.every((a) => a.type.toLowerCase() === 'dc'));
        const domain = firstDc >= 0 ? partition.dn.rdns.slice(firstDc).map((r) => r.source).join(',') : undefined;
        warn(`/activeDirectory/${i}/partitions/${j}/dn`, `${base}.dn`,
          `${p.dn} is not a domain's naming context (DC= components only): Entra Connect synchronizes domain partitions${domain ? `; to synchronize only this container, give the partition ${domain} and put ${p.dn} in its "inclusions"` : ''}`);
      }
      for (const list of ['inclusions', 'exclusions'] as const) {
        (Array.isArray(p[list]) ? p[list] : []).forEach((v: unknown, k: number) => {
          const container = typeof v === 'string' ? Dn.tryParse(v) : undefined;
          if (!container?.ok || container.dn.isWithin(partition.dn)) return;
          warn(`/activeDirectory/${i}/partitions/${j}/${list}/${k}`, `${base}.${list}[${k}]`, `${v} is not inside the partition ${p.dn}: it never applies${list === 'inclusions' ? ' (an object of the partition is in scope only under an inclusion that is inside it)' : ''}`);
        });
      }
    });
  });
  return out;
}

/**
 * Microsoft's clouds by their sign-in and Graph hosts ("Microsoft Graph national cloud
 * deployments"): a token from one is not valid in another.
 */
const CLOUDS: Array<{ name: string; signIn: string; graph: string[] }> = [
  { name: 'the global service', signIn: 'login.microsoftonline.com', graph: ['graph.microsoft.com'] },
  { name: 'US Government', signIn: 'login.microsoftonline.us', graph: ['graph.microsoft.us', 'dod-graph.microsoft.us'] },
  { name: '21Vianet in China', signIn: 'login.chinacloudapi.cn', graph: ['microsoftgraph.chinacloudapi.cn'] },
];

const hostOf = (url: unknown): string | undefined => {
  try {
    return typeof url === 'string' ? new URL(url).hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
};

/** A sign-in host of one Microsoft cloud with the Graph of another (a national cloud's Graph with the default, global sign-in). */
function cloudMismatch(entra: SingleObjectSyncConfig['entra'], file: string, at: (pointer: string) => object): ConfigProblem[] {
  const signIn = CLOUDS.find((c) => c.signIn === hostOf(entra.authorityHost));
  const graph = CLOUDS.find((c) => c.graph.includes(hostOf(entra.graphEndpoint) ?? ''));
  if (!signIn || !graph || signIn === graph) return [];
  return [{
    file, path: '$.entra.graphEndpoint', severity: 'warning', ...at('/entra/graphEndpoint'),
    message: `is Microsoft Graph for ${graph.name}, but "authorityHost" (${signIn.signIn}${entra.authorityHost === 'https://login.microsoftonline.com' ? ', the default' : ''}) signs in to ${signIn.name}: a token from one cloud is not valid in the other; set "authorityHost": "https://${graph.signIn}"`,
  }];
}
