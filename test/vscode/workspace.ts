// The test workspace both VS Code runners use (code-server here, Electron on desktops): the
// services it needs, and a single-object-sync.json pointing at the live Samba and the
// Graph emulator, plus the suite's config file (secrets of the throw-away test domain only).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Emulator } from '../graph-emulator';
import type { SuiteConfig } from './suite/support';

export interface Services {
  env: Record<string, string>;
  stops: (() => unknown)[];
}

/** The services scripts/test.mjs would start; started here when the file runs alone. */
export async function ensureServices(root: string, stateDir: string): Promise<Services> {
  const env: Record<string, string> = {};
  const stops: (() => unknown)[] = [];
  for (const [name, key] of [['samba', 'SOS_AD_URL'], ['chromium', 'SOS_CHROMIUM'], ['code-server', 'SOS_CODE_SERVER']] as const) {
    if (process.env[key]) continue;
    const svc = (await import(path.join(root, 'test', 'setup', `${name}.mjs`))) as { start(o: { root: string; stateDir: string }): Promise<{ env: Record<string, string>; stop?: () => unknown }> };
    const handle = await svc.start({ root, stateDir });
    Object.assign(env, handle.env);
    if (handle.stop) stops.push(handle.stop);
  }
  return { env: { ...(process.env as Record<string, string>), ...env }, stops };
}

export function need(env: Record<string, string>, key: string): string {
  const value = env[key];
  assert.ok(value, `${key} is set by the test services`);
  return value;
}

export function writeWorkspace(env: Record<string, string>, emulator: Emulator, workspace: string, suiteDir: string, userDataDir: string, mode: 'full' | 'smoke', installedUnder?: string, harness = true): SuiteConfig {
  const base = need(env, 'SOS_AD_BASE_DN');
  const contoso = `OU=Contoso,${base}`;
  const connectorName = 'corp.contoso.com';
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  const configFile = path.join(workspace, 'single-object-sync.json');
  const configuration = {
    activeDirectory: [
      {
        name: connectorName,
        url: need(env, 'SOS_AD_URL'),
        bindDn: need(env, 'SOS_AD_BIND_DN'),
        tls: { caFile: need(env, 'SOS_AD_CA_FILE'), serverName: need(env, 'SOS_AD_SERVER_NAME') },
        partitions: [{ dn: base, selected: true, inclusions: [base], exclusions: [`OU=Excluded,${contoso}`] }],
        objectTypes: ['user', 'inetOrgPerson', 'group', 'contact', 'computer'],
        groupFilteringGroupDn: null,
      },
    ],
    entra: {
      tenantId: emulator.tenantId,
      clientId: emulator.clientId,
      authorityHost: emulator.authorityHost,
      graphEndpoint: emulator.graphEndpoint,
      caFile: emulator.caFile,
    },
    sourceAnchor: 'mS-DS-ConsistencyGuid',
    rules: 'builtin',
    stateDir: '.single-object-sync/state',
    reportDir: '.single-object-sync/reports',
  };
  writeFileSync(configFile, JSON.stringify(configuration, null, 2));
  writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'singleObjectSync.tree.pageSize': 200 }, null, 2));
  const config: SuiteConfig = {
    mode,
    harness,
    ...(installedUnder ? { installedUnder } : {}),
    workspace,
    configFile,
    userDataDir,
    connectorName,
    adPassword: need(env, 'SOS_AD_PASSWORD'),
    entraClientSecret: emulator.clientSecret,
    dns: {
      partition: base,
      contoso,
      sales: `OU=Sales,${contoso}`,
      excluded: `OU=Excluded,${contoso}`,
      bulk: `OU=Bulk,${contoso}`,
      previewUser: `CN=Alice Wu,OU=Sales,${contoso}`,
      exportUser: `CN=Eva Green,OU=Sales,${contoso}`,
    },
  };
  writeFileSync(path.join(suiteDir, 'suite-config.json'), JSON.stringify(config, null, 2));
  return config;
}

