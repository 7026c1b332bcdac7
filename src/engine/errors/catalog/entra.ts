import type { CatalogEntry } from '../sync-error';

const exportErrors = 'https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors';
const graphErrors = 'https://learn.microsoft.com/graph/errors';

/** Errors raised by Microsoft Entra and Graph (src/adapters/entra). Export error names follow Entra Connect's. */
export const entraErrors = {
  AuthenticationFailed: {
    code: 'AuthenticationFailed',
    reason: 'The tenant did not issue an access token for application {clientId}: {detail}',
    recommendedAction:
      'Check the tenant id, the client id and the client secret or certificate (and its thumbprint) of the app registration, and that the credential has not expired.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes',
    category: 'nonServiceFailure',
    remedy: 'credentials',
  },
  TokenEndpointAnswerInvalid: {
    code: 'TokenEndpointAnswerInvalid',
    reason: 'The token endpoint {endpoint} did not answer the token request for application {clientId} as the Microsoft identity platform answers (an OAuth token or an OAuth error): {detail}. The credentials were neither accepted nor refused; something else answered.',
    recommendedAction:
      'Check entra.authorityHost (the Microsoft identity platform of your cloud, such as https://login.microsoftonline.com) and the network path to it: a proxy, captive portal or TLS-inspecting gateway that answers in its place (a sign-in or block page) must let it through, or HTTPS_PROXY and NO_PROXY must route around it. Then retry; the tenant id, client id and secret need no change for this.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow',
    category: 'failure',
    remedy: 'configuration',
  },
  AccessTokenRejected: {
    code: 'AccessTokenRejected',
    reason: 'Microsoft Graph refused the access token the identity platform issued for application {clientId}: {method} {path} answered 401 ({detail}). The credentials were accepted (a token was issued); the token was not.',
    recommendedAction:
      'Check that entra.graphEndpoint and entra.authorityHost belong to the same cloud (the token is issued for the Graph endpoint as its audience), that the app registration\'s Microsoft Graph permissions are granted with admin consent, and whether a Conditional Access policy (for workload identities, or for the signed-in user) or a device in the network path rejects the token. Then retry.',
    documentationUrl: 'https://learn.microsoft.com/graph/resolve-auth-errors',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  SignInNotCompleted: {
    code: 'SignInNotCompleted',
    remedy: 'none',
    reason: 'The device code sign-in to tenant {tenantId} with application {clientId} did not complete: {detail}',
    recommendedAction:
      'Run again and enter the new code at the page shown, signing in with an account of this tenant. Sign-in with a device code needs "Allow public client flows" on the app registration and admin consent for its delegated Microsoft Graph permissions.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code',
    category: 'nonServiceFailure',
  },
  AuthorizationDenied: {
    code: 'AuthorizationDenied',
    reason: 'Microsoft Graph refused {method} {path}: the token lacks the Microsoft Graph permission {permission} ({graphMessage}).',
    recommendedAction:
      'Grant {permission}{alternatives} to the app registration {clientId} (an application permission for a client secret or certificate, a delegated permission for device code sign-in), give admin consent, then retry. A preview (staging mode) needs only the read permissions the README lists.',
    documentationUrl: 'https://learn.microsoft.com/graph/permissions-reference',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  TenantUnreachable: {
    code: 'TenantUnreachable',
    reason: 'Could not reach {endpoint}: {detail}',
    recommendedAction:
      'Check the network path to the authority host and the Graph endpoint (behind a proxy: HTTPS_PROXY names it, with its user and password in the URL if it asks for them, and NO_PROXY the hosts reached directly), and that the configured CA file (caFile) trusts their certificates. Then retry.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites',
    category: 'failure',
    remedy: 'none',
  },
  IdentityPlatformUnavailable: {
    code: 'IdentityPlatformUnavailable',
    reason: 'The Microsoft identity platform did not answer the token request for application {clientId} ({detail}); {attempts} attempt(s) in {elapsedSeconds} s. This is a transient failure of the service or the network path, not a rejected credential.',
    recommendedAction: 'Retry later (the tenant id, client id and secret were not refused). If it persists, check the Microsoft 365 service health and the network path and proxy to {endpoint}; entra.requestTimeoutSeconds and entra.maxRetryWaitSeconds bound each call and the waiting.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes',
    category: 'failure',
    remedy: 'none',
  },
  GraphRequestTimedOut: {
    code: 'GraphRequestTimedOut',
    reason: 'Microsoft Graph did not answer {method} {path} within {timeoutSeconds} s (entra.requestTimeoutSeconds).',
    recommendedAction:
      'Run the sync again (a create that may have reached Graph is looked up first, never repeated blindly). If it keeps happening, check the network path and proxy to the Graph endpoint, or raise entra.requestTimeoutSeconds.',
    documentationUrl: 'https://learn.microsoft.com/graph/best-practices-concept',
    category: 'failure',
    remedy: 'none',
  },
  Throttled: {
    code: 'Throttled',
    reason: '{service} throttled {method} {path} and {asked}; the retries this run allows (at most {maxRetryWaitSeconds} s of waiting in all) are used up.',
    recommendedAction: 'Wait at least {waitSeconds} seconds and run the sync again, or raise entra.maxRetryWaitSeconds.',
    documentationUrl: 'https://learn.microsoft.com/graph/throttling',
    category: 'failure',
    remedy: 'none',
  },
  StoppedWhileWaiting: {
    code: 'StoppedWhileWaiting',
    reason: 'The run was stopped while {method} {path} waited {waitedFor}: {outcome}',
    recommendedAction: 'Run the sync again: it continues from the stored state, and an object already created in Microsoft Entra ID is found by its anchor and updated, never created twice.',
    documentationUrl: 'https://learn.microsoft.com/graph/throttling',
    category: 'failure',
    remedy: 'none',
  },
  ServiceUnavailable: {
    code: 'ServiceUnavailable',
    reason: '{service} answered {status} to {method} {path} and did not recover within the retries this run allows.',
    recommendedAction: 'Retry later; check the Microsoft 365 service health for Microsoft Entra ID.',
    documentationUrl: graphErrors,
    category: 'failure',
    remedy: 'none',
  },
  AttributeValueMustBeUnique: {
    code: 'AttributeValueMustBeUnique',
    reason: 'Another object in Microsoft Entra ID already has the value of {attribute}{conflictingObject}.',
    recommendedAction:
      'Find the object holding the duplicate value (IdFix or the Entra admin center) and change or remove the value on one of the two objects, then sync again.',
    documentationUrl: `${exportErrors}#attributevaluemustbeunique`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  InvalidSoftMatch: {
    code: 'InvalidSoftMatch',
    reason:
      'The object matches an existing Microsoft Entra object by {attribute}, but that object already has a different source anchor (onPremisesImmutableId {existingImmutableId}), so it cannot be soft-matched.',
    recommendedAction:
      'If both are the same object, its source anchor changed (a forest move, or another sourceAnchor attribute than the Entra Connect server uses): configure the same sourceAnchor, or correct the onPremisesImmutableId of the cloud object. Otherwise change {attribute} on one of the objects. Then sync again.',
    documentationUrl: `${exportErrors}#invalidsoftmatch`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  InvalidHardMatch: {
    code: 'InvalidHardMatch',
    reason:
      'The object hard-matches the cloud-managed Microsoft Entra {kind} {id} (onPremisesImmutableId {sourceAnchor}), but the tenant blocks taking over cloud objects through hard match (BlockCloudObjectTakeoverThroughHardMatchEnabled is true).',
    recommendedAction:
      'If taking over this cloud object is intended, set BlockCloudObjectTakeoverThroughHardMatchEnabled to false (Update-MgDirectoryOnPremiseSynchronization), sync, then set it back to true. Otherwise remove the onPremisesImmutableId from the cloud object.',
    documentationUrl: `${exportErrors}#invalidhardmatch`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ExistingAdminRoleConflict: {
    code: 'ExistingAdminRoleConflict',
    reason:
      'The object would soft-match the cloud user {id} by {attribute} = {value}, but that user holds the directory role(s) {roles}: Microsoft Entra ID does not match on-premises users to cloud users with an admin role. The sync attempt fails with this error, and what Microsoft Entra ID keeps of it is a quarantined {kind} beside the admin, the value it shares quarantined ({quarantined}). Single Object Sync does not create that quarantined {kind}.',
    recommendedAction:
      'To have the on-premises user take over the cloud user {id}: remove that user from all admin roles; if a sync attempt already created the quarantined {kind}, hard-delete it (delete it, then delete it from deleted items); sync again so the soft match happens, then assign the roles again. Or give the on-premises user another {attribute}.',
    documentationUrl: `${exportErrors}#existing-admin-role-conflict`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ObjectTypeMismatch: {
    code: 'ObjectTypeMismatch',
    reason: 'The {attribute} value belongs to a Microsoft Entra {existingKind}, but the object being exported is a {kind}.',
    recommendedAction: 'Remove the value from one of the two objects; objects of different types are never matched.',
    documentationUrl: `${exportErrors}#objecttypemismatch`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  IdentityDataValidationFailed: {
    code: 'IdentityDataValidationFailed',
    reason: 'Microsoft Graph rejected a value: {graphMessage}',
    recommendedAction: 'Correct the attribute value named in the message in Active Directory (or the sync rule that computes it) and sync again.',
    documentationUrl: `${exportErrors}#data-validation-failures`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  UnverifiedDomain: {
    code: 'UnverifiedDomain',
    reason: 'The userPrincipalName {userPrincipalName} uses a domain that is not verified in the tenant.',
    recommendedAction:
      'Verify the domain in the tenant, or give the user a UPN suffix that is a verified domain (an alternate UPN suffix in Active Directory), then sync again.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/howto-troubleshoot-upn-changes',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  FederatedDomainRequiresSourceAnchor: {
    code: 'FederatedDomainRequiresSourceAnchor',
    reason: 'The userPrincipalName is in a federated domain, where Microsoft Graph needs onPremisesImmutableId (the source anchor) to create a user: {graphMessage}',
    recommendedAction: 'Make sure the sourceAnchor flows to onPremisesImmutableId, or move the user to a managed domain first.',
    documentationUrl: 'https://learn.microsoft.com/graph/api/resources/user',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  DirSyncMastered: {
    code: 'DirSyncMastered',
    reason:
      'The Microsoft Entra object {id} is mastered on-premises by Entra Connect (onPremisesSyncEnabled is true); Microsoft Graph refuses to change it.',
    recommendedAction:
      'Change the object in Active Directory and let the Entra Connect server export it, or convert its source of authority to the cloud first.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-preferreddatalocation',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  DirectoryExtensionNotRegistered: {
    code: 'DirectoryExtensionNotRegistered',
    reason: 'The rules flow a value to the directory extension {property}, which is not registered in this tenant, so Microsoft Graph refused the whole write ({method} {path}: {graphMessage}). Nothing was written.',
    recommendedAction:
      'Register the extension the way Entra Connect does (its wizard: Optional features > Directory extension attribute sync, which registers it on the Tenant Schema Extension App), or point the configuration at the tenant its export came from; or remove the flow to {property} from the rules.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-directory-extensions',
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  NotWritableThroughGraph: {
    code: 'NotWritableThroughGraph',
    reason: '{what} cannot be written through Microsoft Graph v1.0: {detail}',
    recommendedAction:
      'Use Entra Connect (or Cloud Sync) to export this; the report lists it as not exportable through Microsoft Graph.',
    documentationUrl: 'https://learn.microsoft.com/graph/api/resources/user',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ObjectNotFound: {
    code: 'ObjectNotFound',
    reason: 'Microsoft Graph has no object {id} ({graphMessage}).',
    recommendedAction: 'The object may have been deleted in Microsoft Entra ID; run the sync again so it is matched or created anew.',
    documentationUrl: graphErrors,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  LargeObject: {
    code: 'LargeObject',
    reason: 'The object exceeds a size limit of Microsoft Entra ID ({graphMessage}).',
    recommendedAction: 'Reduce the number of values (for example userCertificate or proxyAddresses) on the object in Active Directory.',
    documentationUrl: `${exportErrors}#largeobject`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ExceededAllowedLength: {
    code: 'ExceededAllowedLength',
    reason: 'The {kind}\'s {attribute} ({property} in Microsoft Entra ID) would be {length} characters long; Microsoft Entra ID allows at most {maximum}. Entra Connect\'s export of this object fails with LargeObject or ExceededAllowedLength, so nothing is written.',
    recommendedAction: 'Shorten the value in Active Directory, or change the sync rule that computes it ({syncRule}), to at most {maximum} characters, then sync again.',
    documentationUrl: `${exportErrors}#largeobject-or-exceededallowedlength`,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  EntraCredentialMissing: {
    code: 'EntraCredentialMissing',
    reason: 'No client secret and no certificate is configured for application {clientId}.',
    recommendedAction: 'Set entra.certificateFile, or provide the client secret (environment variable named by entra.clientSecretEnv, or the secret store).',
    documentationUrl: 'https://learn.microsoft.com/entra/identity-platform/howto-create-service-principal-portal',
    category: 'nonServiceFailure',
    remedy: 'credentials',
  },
  EntraCertificateUnreadable: {
    code: 'EntraCertificateUnreadable',
    reason: 'The certificate file {file} could not be used: {detail}',
    recommendedAction: 'Point entra.certificateFile at a PEM file holding the certificate and its unencrypted private key.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity-platform/certificate-credentials',
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  GraphRequestFailed: {
    code: 'GraphRequestFailed',
    reason: 'Microsoft Graph answered {status} {graphCode} to {method} {path}: {graphMessage}',
    recommendedAction: 'Read the message; the request-id in the details identifies the call for Microsoft support.',
    documentationUrl: graphErrors,
    category: 'failure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
