// The CLI's secrets: the environment variable the configuration names, else a hidden prompt
// when a terminal is attached. Never argv, never echoed, never logged. Delegated sign-in
// (device code) prints the code to stderr and keeps msal's token cache in an owner-only file
// in the state folder, so the next run signs in silently.
import { createHash, randomUUID } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActiveDirectoryConnectorConfig, DelegatedSignIn, EntraConfig, SecretsProvider } from '../../app/config/model';
import { makeOwnerOnlyDirectory, OWNER_ONLY_FILE } from '../../adapters/io/owner-only';
import { terminalText } from './progress';
import { FileTooLargeError, NotRegularFileError, readRegularFile } from '../../adapters/io/read-bounded';

/** A sign-in's token cache holds a few tokens: kilobytes. */
const TOKEN_CACHE_LIMIT = 4 * 1024 * 1024;

/** One cache file per authority, tenant and app: entra-token-cache-<hash>.json in the state folder. */
export function tokenCacheFile(entra: EntraConfig, stateDir: string): string {
  const key = [entra.authorityHost, entra.tenantId, entra.clientId].map((p) => p.trim().toLowerCase()).join('|');
  return path.join(stateDir, `entra-token-cache-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
}

export function fileTokenCache(entra: EntraConfig, stateDir: string, stderr: NodeJS.WritableStream = process.stderr): DelegatedSignIn {
  const file = tokenCacheFile(entra, stateDir);
  return {
    async loadTokenCache() {
      try {
        // A cache only: a named pipe, device, link or runaway file planted at its name (the state
        // folder may come with a repository) is no cache, never a wait or a read without end.
        return (await readRegularFile(file, TOKEN_CACHE_LIMIT))?.toString('utf8');
      } catch (err) {
        if (err instanceof NotRegularFileError || err instanceof FileTooLargeError) return undefined;
        throw err;
      }
    },
    async saveTokenCache(serialized) {
      await makeOwnerOnlyDirectory(stateDir);
      // Written whole under a new name, owner-only from its creation, then renamed over the old one.
      const temp = `${file}.${randomUUID()}.tmp`;
      try {
        await writeFile(temp, serialized, { mode: OWNER_ONLY_FILE, flag: 'wx' });
        await chmod(temp, OWNER_ONLY_FILE);
        await rename(temp, file);
      } finally {
        await rm(temp, { force: true });
      }
    },
    showDeviceCode(code) {
      stderr.write(`${terminalText(code.message)}\nWaiting for the sign-in to tenant ${terminalText(entra.tenantId)} (the code expires in ${Math.round(code.expiresInSeconds / 60)} minutes; Ctrl+C cancels)...\n`);
      // Ctrl+C stops the wait itself (the run's own handler then stops after this step).
      const cancel = () => code.cancel();
      process.once('SIGINT', cancel);
      process.once('SIGTERM', cancel);
      code.onDone((signedIn) => {
        process.off('SIGINT', cancel);
        process.off('SIGTERM', cancel);
        if (signedIn) stderr.write('Signed in; the token is kept for the next runs (owner-only file in the state folder).\n');
      });
    },
  };
}

async function promptHidden(question: string): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY || !process.stderr.isTTY) return undefined;
  // The question names the bind DN or connector from the configuration (a file that may come
  // from anyone): no terminal control in it may rewrite the prompt.
  process.stderr.write(terminalText(question));
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
  delegatedSignIn: (entra, stateDir) => fileTokenCache(entra, stateDir),
};
