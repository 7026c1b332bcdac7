// Credentials live in VS Code's SecretStorage only (never settings, the configuration file,
// logs or reports). Keys name the connector / app they belong to, so renaming a connector
// or changing the bind account asks for the password again instead of reusing a wrong one.
import * as vscode from 'vscode';
import type { ActiveDirectoryConnectorConfig, EntraConfig, SecretsProvider } from '../config/model';

export function directorySecretKey(connector: Pick<ActiveDirectoryConnectorConfig, 'name' | 'bindDn'>): string {
  return `singleObjectSync.ad/${connector.name}/${connector.bindDn ?? ''}`;
}

export function entraSecretKey(entra: Pick<EntraConfig, 'tenantId' | 'clientId'>): string {
  return `singleObjectSync.entra/${entra.tenantId}/${entra.clientId}`;
}

export class SecretStorageSecrets implements SecretsProvider {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async directoryPassword(connector: ActiveDirectoryConnectorConfig): Promise<string | undefined> {
    return (await this.storage.get(directorySecretKey(connector))) || undefined;
  }

  async entraClientSecret(entra: EntraConfig): Promise<string | undefined> {
    return (await this.storage.get(entraSecretKey(entra))) || undefined;
  }
}
