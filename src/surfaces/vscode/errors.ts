// Turning anything thrown into what the user sees: a SyncError's code, reason and
// recommended action, and the command that offers its remedy (declared by its catalog entry).
// Non-SyncErrors (bugs) become UnexpectedExtensionFailure.
import { SyncError, isSyncError, type Remedy } from '../../engine/errors/sync-error';
import { extensionErrors } from './error-catalog';

export function asSyncError(error: unknown): SyncError {
  if (isSyncError(error)) return error;
  // A SyncError from a second copy of the module (tests, bundles) still has the shape.
  if (error instanceof Error && typeof (error as Partial<SyncError>).code === 'string' && typeof (error as Partial<SyncError>).recommendedAction === 'string') {
    return error as SyncError;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError(extensionErrors.UnexpectedExtensionFailure, { message }, { cause: error });
}

/** The command that offers each remedy a catalog entry declares. */
export const remedyCommands: Record<Exclude<Remedy, 'none'>, { command: string; title: string }> = {
  credentials: { command: 'singleObjectSync.setCredentials', title: 'Set Credentials...' },
  configuration: { command: 'singleObjectSync.openConfiguration', title: 'Open Configuration' },
  configurationFile: { command: 'singleObjectSync.chooseConfigurationFile', title: 'Choose Configuration File...' },
};

/** The command that helps with an error (error nodes, notifications): the catalog entry's remedy. */
export function remedyFor(error: SyncError): { command: string; title: string } | undefined {
  // A shape-alike error without a remedy (another copy of the module) offers nothing.
  return error.remedy && error.remedy !== 'none' ? remedyCommands[error.remedy] : undefined;
}
