// The CLI's secrets: the environment variable the configuration names, else a hidden prompt
// when a terminal is attached. Never argv, never echoed, never logged.
import type { ActiveDirectoryConnectorConfig, EntraConfig, SecretsProvider } from '../../app/config/model';

async function promptHidden(question: string): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY || !process.stderr.isTTY) return undefined;
  process.stderr.write(question);
  return new Promise((resolve) => {
    let value = '';
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done(value);
          return;
        }
        if (ch === '\u0003') {
          done(undefined);
          return;
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (result: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      resolve(result);
    };
    input.on('data', onData);
  });
}

export const environmentSecrets: SecretsProvider = {
  async directoryPassword(connector: ActiveDirectoryConnectorConfig) {
    const fromEnv = connector.passwordEnv ? process.env[connector.passwordEnv] : undefined;
    return fromEnv ?? promptHidden(`Password for ${connector.bindDn ?? connector.name}: `);
  },
  async entraClientSecret(entra: EntraConfig) {
    const fromEnv = entra.clientSecretEnv ? process.env[entra.clientSecretEnv] : undefined;
    return fromEnv ?? promptHidden(`Client secret for application ${entra.clientId}: `);
  },
};
