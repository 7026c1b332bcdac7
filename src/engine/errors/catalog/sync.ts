import type { CatalogEntry } from '../sync-error';

const learn = 'https://learn.microsoft.com/entra/identity/hybrid/connect';

/** Errors of the pipeline itself: state, secrets, export outcomes. */
export const syncErrors = {
  MissingSecret: {
    code: 'MissingSecret',
    reason: 'No {secret} is available: the environment variable {variable} is not set and no terminal is attached to ask for it.',
    recommendedAction: 'Set {variable} in the environment (never pass secrets as arguments), or run the command in a terminal to be prompted, or use "Set Credentials..." in VS Code.',
    category: 'nonServiceFailure',
    remedy: 'credentials',
  },
  SecretSourceNotConfigured: {
    code: 'SecretSourceNotConfigured',
    remedy: 'credentials',
    reason: 'No {secret} is available: the configuration names no environment variable for it ({setting}) and no terminal is attached to ask for it.',
    recommendedAction: 'Set {setting} to the name of an environment variable that holds it (never the secret itself), or run the command in a terminal to be asked. In VS Code, use "Set Credentials...".',
    category: 'nonServiceFailure',
  },
  StateLocked: {
    code: 'StateLocked',
    reason: 'Another sync of this object is running: {holder} holds the lock {lockFile} ({heldSeconds} s so far).',
    recommendedAction: 'Wait for the other sync to finish and run again. A lock whose process has ended on this machine is taken over by itself; delete the lock file only if that process on the other host has ended.',
    category: 'failure',
    remedy: 'none',
  },
  StateLockUnusable: {
    code: 'StateLockUnusable',
    reason: "The lock file '{lockFile}' of this object's stored state is {what}, not a lock this tool writes: no sync can take it, release it or take it over.",
    recommendedAction: 'Remove it (a lock is only ever a small regular file; the state folder may have come with a repository) and run the sync again. Nothing was synced for this object.',
    category: 'failure',
    remedy: 'none',
  },
  StateUnreadable: {
    code: 'StateUnreadable',
    reason: "The stored connector space state '{file}' cannot be read: {detail}.",
    recommendedAction: 'Delete the file to start from an empty connector space for this object (the next sync re-imports it).',
    category: 'failure',
    remedy: 'none',
  },
  StateNotSaved: {
    code: 'StateNotSaved',
    reason: 'The stored state of {count} object(s) of this batch could not be written to {stateDir}: {cause}.',
    recommendedAction: 'The results shown stand; those objects are imported afresh on their next run. Free space on that file system or correct the folder\'s permissions, then run the batch again.',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ObjectNotExportableThroughGraph: {
    code: 'ObjectNotExportableThroughGraph',
    reason: 'Microsoft Graph v1.0 cannot write {kind} objects ({detail}); the pending export is shown but was not written.',
    recommendedAction: 'Let the Entra Connect sync service export this object, or create it in Exchange Online / the admin center. The computed export above is what Entra Connect would write.',
    documentationUrl: 'https://learn.microsoft.com/graph/api/resources/orgcontact',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  EntraConnectExportPending: {
    code: 'EntraConnectExportPending',
    reason:
      'The Microsoft Entra {kind} {id} is synchronized by Entra Connect (onPremisesSyncEnabled is true) and {count} attribute(s) differ from what Entra Connect would export: {changes}. Only the Entra Connect server can write this object; nothing was written.',
    recommendedAction: 'On the Entra Connect server, run: {powerShell} (or wait for the next sync cycle). The changes are listed under Modified Properties.',
    documentationUrl: `${learn}/how-to-connect-single-object-sync`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  SoftDeletedUserRestored: {
    code: 'SoftDeletedUserRestored',
    reason:
      'No user in Microsoft Entra ID holds this object\'s source anchor {sourceAnchor}, but the soft-deleted user {id} ({userPrincipalName}, deleted {deletedDateTime}) does. When Entra Connect exports this object, Microsoft Entra ID restores that user (the same object id) instead of creating a new one, then applies {count} attribute change(s): {changes}. Single Object Sync does not restore users through Microsoft Graph; nothing was written.',
    recommendedAction:
      'If this is the user that was deleted (restored from the Active Directory Recycle Bin, or back in sync scope), run on the Entra Connect server: {powerShell} (or wait for the next sync cycle). If a new user is wanted instead, permanently delete the soft-deleted user first (Remove-MgDirectoryDeletedItem -DirectoryObjectId {id}). Microsoft Entra ID keeps deleted users for 30 days{purge}; after that a new user is created.',
    documentationUrl: `${learn}/how-to-connect-sync-recycle-bin`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  EntraConnectMembershipNotCompared: {
    code: 'EntraConnectMembershipNotCompared',
    reason:
      'The Microsoft Entra group {id} is synchronized by Entra Connect (onPremisesSyncEnabled is true) and its attributes match what Entra Connect would export, but its membership could not be fully compared: {why}. Only the Entra Connect server can write this group; nothing was written.',
    recommendedAction: 'A member not in Microsoft Entra ID becomes a member there once Entra Connect synchronizes it (on the Entra Connect server, run Invoke-ADSyncSingleObjectSync for that member, then {powerShell}); a member that cannot be read needs read access for the connector account. Each run looks up at most {limit} members in Microsoft Entra ID. The members are listed in the Export step.',
    documentationUrl: `${learn}/how-to-connect-single-object-sync`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  SourceAnchorValueInvalid: {
    code: 'SourceAnchorValueInvalid',
    reason: "The user's source anchor attribute {attribute} holds {value}, which breaks Microsoft's rule for a sourceAnchor value: {rule}.",
    recommendedAction:
      'Give the attribute a value that follows the rules (fewer than 60 characters, each character outside a-z, A-Z and 0-9 counting as 3; none of \\ ! # $ % & * + / = ? ^ ` { } | ~ < > ( ) \' ; : , [ ] " @ _), or choose a binary attribute such as mS-DS-ConsistencyGuid, which Entra Connect base64-encodes. Nothing was written.',
    documentationUrl: `${learn}/plan-connect-design-concepts#sourceanchor`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  DuplicateAttributeQuarantined: {
    code: 'DuplicateAttributeQuarantined',
    reason:
      'Duplicate attribute resiliency: {quarantined}. Microsoft Entra ID quarantines the duplicate value{valueCountSuffix} and still provisions the {kind}.',
    recommendedAction:
      'Decide which object should keep the value and remove it from the other at its source; Microsoft Entra ID restores a quarantined value within an hour after the conflict is gone (its onPremisesProvisioningErrors then clear).',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-duplicate-attribute-resiliency',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  UpnChangeNotSynchronized: {
    code: 'UpnChangeNotSynchronized',
    reason: 'Microsoft Entra ID does not apply this userPrincipalName change ({current} -> {desired}): the user has {licenses} license(s) assigned, is in a managed domain, and the tenant feature SynchronizeUpnForManagedUsers is off. The rest of the object is exported.',
    recommendedAction: 'Enable the feature (it cannot be disabled again): Update-MgDirectoryOnPremiseSynchronization -OnPremisesDirectorySynchronizationId <tenant id> -Features @{ SynchronizeUpnForManagedUsersEnabled = "true" } (permission OnPremDirectorySynchronization.ReadWrite.All). Existing UPNs stay as they are: after enabling it, change the on-premises UPN again so the next sync carries it.',
    documentationUrl: `${learn}/how-to-connect-syncservice-features#synchronize-userprincipalname-updates`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ExportNotComplete: {
    code: 'ExportNotComplete',
    reason: 'The object was exported, but {count} attribute(s) cannot be written through Microsoft Graph: {attributes}.',
    recommendedAction: 'These values reach Microsoft Entra ID only through the Entra Connect sync service. Check the Export step for each attribute.',
    documentationUrl: `${learn}/how-to-connect-single-object-sync`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  MembershipNotComplete: {
    code: 'MembershipNotComplete',
    reason: 'The group\'s membership was exported in part: {count} of its {total} member(s) in Active Directory are not members in Microsoft Entra ID after this run ({why}).',
    recommendedAction: 'Run the sync again: each run looks up at most {limit} members, those not yet exported first, and continues where the last one stopped. A member not in Microsoft Entra ID is added once it is synchronized; one that cannot be read needs read access for the connector account. Members are removed only when they have left the group in Active Directory.',
    documentationUrl: 'https://learn.microsoft.com/graph/api/group-post-members',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  UnexpectedError: {
    code: 'UnexpectedError',
    reason: 'An unexpected error stopped the step: {message}.',
    recommendedAction: 'Run again with the log open ("Show Log" in VS Code, stderr on the CLI) and report the issue with the JSON result attached.',
    category: 'failure',
    remedy: 'none',
  },
  Cancelled: {
    code: 'Cancelled',
    reason: 'The sync was cancelled before this step finished.',
    recommendedAction: 'Run the sync again.',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
