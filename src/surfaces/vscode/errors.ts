// Turning anything thrown into what the user sees: a SyncError's code, reason and
// recommended action. Non-SyncErrors (bugs) become UnexpectedExtensionFailure.
import { SyncError, isSyncError } from '../../engine/errors/sync-error';
import { extensionErrors } from '../../engine/errors/catalog/extension';

export function asSyncError(error: unknown): SyncError {
  if (isSyncError(error)) return error;
  // A SyncError from a second copy of the module (tests, bundles) still has the shape.
  if (error instanceof Error && typeof (error as Partial<SyncError>).code === 'string' && typeof (error as Partial<SyncError>).recommendedAction === 'string') {
    return error as SyncError;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError(extensionErrors.UnexpectedExtensionFailure, { message }, { cause: error });
}

/** The command that helps with an error, for error nodes and notifications. */
export function remedyFor(error: SyncError): { command: string; title: string } | undefined {
  if (error.code === 'UntrustedWorkspaceConfiguration' || error.code === 'ConfigurationFileNotUsable') return { command: 'singleObjectSync.chooseConfigurationFile', title: 'Choose Configuration File...' };
  const code = error.code.toLowerCase();
  if (/credential|password|bind|secret|unauthori[sz]ed|invalidclient/.test(code)) return { command: 'singleObjectSync.setCredentials', title: 'Set Credentials...' };
  if (/config|schema|noworkspace/.test(code)) return { command: 'singleObjectSync.openConfiguration', title: 'Open Configuration' };
  return undefined;
}
