// The Active Directory adapter: DirectorySource over LDAP (ldapts) or an LDIF snapshot.
import type { ActiveDirectoryConnectorConfig } from '../../engine/model/config';
import { directoryErrors } from '../../engine/errors/catalog/directory';
import { SyncError } from '../../engine/errors/sync-error';
import type { DirectorySource } from '../../engine/ports/directory-source';
import { LdapDirectorySource } from './ldap/ldap-source';
import { LdifDirectorySource } from './ldif/ldif-source';

export { LdapDirectorySource, type LdapSourceOptions } from './ldap/ldap-source';
export { LdifDirectorySource } from './ldif/ldif-source';
export { parseLdif, rootDseEntry, toLdif } from './ldif/ldif';
export { equalityFilter, escapeFilter, escapeFilterValue } from './ldap/filters';

/**
 * A DirectorySource for a connector: `ldifFile` -> the LDIF snapshot, `url` -> LDAP.
 * Nothing connects here; the LDAP source connects and binds on its first operation and
 * reuses that connection until close().
 */
export function createDirectorySource(connector: ActiveDirectoryConnectorConfig, password: string | undefined): DirectorySource {
  if (connector.ldifFile) return new LdifDirectorySource({ file: connector.ldifFile });
  if (!connector.url) {
    throw new SyncError(directoryErrors.InvalidDirectoryConfiguration, { connector: connector.name, problem: 'neither "url" nor "ldifFile" is set' });
  }
  return new LdapDirectorySource({
    url: connector.url,
    connectorName: connector.name,
    ...(connector.bindDn ? { bindDn: connector.bindDn } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(connector.tls?.caFile ? { caFile: connector.tls.caFile } : {}),
    ...(connector.tls?.serverName ? { serverName: connector.tls.serverName } : {}),
    ...(connector.startTls !== undefined ? { startTls: connector.startTls } : {}),
    ...(connector.allowInsecure !== undefined ? { allowInsecure: connector.allowInsecure } : {}),
    ...(connector.connectTimeoutMs !== undefined ? { connectTimeoutMs: connector.connectTimeoutMs } : {}),
    ...(connector.operationTimeoutMs !== undefined ? { operationTimeoutMs: connector.operationTimeoutMs } : {}),
  });
}
