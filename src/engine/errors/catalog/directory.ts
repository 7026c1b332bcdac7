import type { CatalogEntry } from '../sync-error';

const ldapErrorsDoc = 'https://learn.microsoft.com/openspecs/windows_protocols/ms-erref/a465ae57-5f89-4539-88b3-90cf37a5ae06';
const connectorAccountDoc = 'https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-accounts-permissions';
const ldapsDoc = 'https://learn.microsoft.com/troubleshoot/windows-server/active-directory/enable-ldap-over-ssl-3rd-certification-authority';
const signingDoc = 'https://learn.microsoft.com/troubleshoot/windows-server/active-directory/enable-ldap-signing-in-windows-server';
const dnDoc = 'https://learn.microsoft.com/previous-versions/windows/desktop/ldap/distinguished-names';
const ldifDoc = 'https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/cc731033(v=ws.11)';

/** Errors raised by Active Directory (src/adapters/ad) and by distinguished-name parsing. */
export const directoryErrors = {
  MalformedDistinguishedName: {
    code: 'MalformedDistinguishedName',
    reason: 'The distinguished name is malformed at character {position}: {problem}.',
    recommendedAction:
      'Check the distinguished name: attribute=value pairs separated by commas, with , + " \\ < > ; = and leading # or spaces escaped by a backslash (for example CN=Smith\\, John,OU=Sales,DC=contoso,DC=com). No directory call was made.',
    documentationUrl: dnDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  InvalidCredentials: {
    code: 'InvalidCredentials',
    reason: 'The domain controller {server} rejected the bind of {bindDn}: {why}',
    recommendedAction:
      'Check the connector account (bindDn) and its password (the environment variable or the stored secret), and that the account is enabled and not locked out.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
    remedy: 'credentials',
  },
  // The account states below come from the AD data code of a refused bind (result 49,
  // "AcceptSecurityContext error, data 533"): Microsoft's documented Win32 codes.
  BindAccountNotFound: {
    code: 'BindAccountNotFound',
    remedy: 'configuration',
    reason: 'The domain controller {server} has no account {bindDn} (AD data code 525: user not found).',
    recommendedAction: 'Correct bindDn to the distinguished name (or UPN) of an existing account; check for typos and the right domain.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  AccountDisabled: {
    code: 'AccountDisabled',
    remedy: 'none',
    reason: 'The connector account {bindDn} is disabled, so {server} refused its bind (AD data code 533).',
    recommendedAction: 'Ask a domain administrator to enable the account (Active Directory Users and Computers, or Enable-ADAccount), or configure another account.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  AccountLockedOut: {
    code: 'AccountLockedOut',
    remedy: 'none',
    reason: 'The connector account {bindDn} is locked out after too many wrong passwords, so {server} refused its bind (AD data code 775).',
    recommendedAction: 'Wait for the lockout duration to pass or ask a domain administrator to unlock it (Unlock-ADAccount); then correct the stored password so it does not lock again.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  PasswordExpired: {
    code: 'PasswordExpired',
    remedy: 'credentials',
    reason: 'The password of the connector account {bindDn} has expired, so {server} refused its bind (AD data code 532).',
    recommendedAction: 'Set a new password for the account, then store it here ("Set Credentials..." in VS Code, or the environment variable for the CLI). Service accounts are usually exempt from expiry.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  AccountExpired: {
    code: 'AccountExpired',
    remedy: 'none',
    reason: 'The connector account {bindDn} has expired (its account expiration date has passed), so {server} refused its bind (AD data code 701).',
    recommendedAction: 'Ask a domain administrator to extend or clear the account expiration date, or configure another account.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  PasswordMustChange: {
    code: 'PasswordMustChange',
    remedy: 'credentials',
    reason: 'The connector account {bindDn} must change its password at next logon, so {server} refused its bind (AD data code 773).',
    recommendedAction: 'Sign in once with the account and change its password (or have an administrator set one and clear "User must change password at next logon"), then store the new password here.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  LogonRestricted: {
    code: 'LogonRestricted',
    remedy: 'none',
    reason: 'The connector account {bindDn} may not sign in {restriction}, so {server} refused its bind (AD data code {dataCode}).',
    recommendedAction: 'Ask a domain administrator to allow the account to log on at this time and from this computer (logon hours, "Log On To" workstations), or configure another account.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
  },
  MissingBindPassword: {
    code: 'MissingBindPassword',
    reason: 'No password is available for the connector account {bindDn} of {connector}.',
    recommendedAction:
      'CLI: set the environment variable named by passwordEnv. VS Code: run "Set Active Directory Password". An empty password is never sent (LDAP would treat it as an anonymous bind).',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
    remedy: 'credentials',
  },
  StrongAuthenticationRequired: {
    code: 'StrongAuthenticationRequired',
    reason: 'The domain controller {server} refuses a simple bind over an unprotected connection (strong authentication required).',
    recommendedAction:
      'Use ldaps:// (port 636) or set "startTls": true for ldap:// so the bind is protected by TLS.',
    documentationUrl: signingDoc,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  InsecureBindRefused: {
    code: 'InsecureBindRefused',
    reason: 'A simple bind over plain LDAP ({url}) would send the password unencrypted, so it was not attempted.',
    recommendedAction:
      'Use ldaps://host:636, or set "startTls": true. Only for an isolated lab, set "allowInsecure": true on the connector.',
    documentationUrl: ldapsDoc,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  CertificateVerificationFailed: {
    code: 'CertificateVerificationFailed',
    reason: 'The TLS certificate of {server} could not be verified: {detail}.',
    recommendedAction:
      'Set tls.caFile to the PEM of the CA that issued the domain controller certificate, and tls.serverName to the name in that certificate when you connect by IP address. Verification stays on.',
    documentationUrl: ldapsDoc,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  ServerUnavailable: {
    code: 'ServerUnavailable',
    reason: 'The domain controller at {url} could not be reached: {detail}.',
    recommendedAction:
      'Check the URL, the port (636 for ldaps, 389 for ldap), DNS and firewalls, and that the domain controller is running.',
    documentationUrl: ldapErrorsDoc,
    category: 'failure',
    remedy: 'none',
  },
  TimeLimitExceeded: {
    code: 'TimeLimitExceeded',
    reason: 'The domain controller at {url} did not answer {operation} within {timeoutMs} ms.',
    recommendedAction:
      'Retry; if it persists, check the domain controller load and the network, or raise connectTimeoutMs / operationTimeoutMs on the connector.',
    documentationUrl: ldapErrorsDoc,
    category: 'failure',
    remedy: 'none',
  },
  NoSuchObject: {
    code: 'NoSuchObject',
    reason: 'No object {dn} exists in the directory.',
    recommendedAction:
      'Check the distinguished name (the object may have been renamed, moved or deleted). The closest existing parent is {matchedDn}.{didYouMean}',
    documentationUrl: ldapErrorsDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ObjectDeleted: {
    code: 'ObjectDeleted',
    reason: 'The object {dn} is deleted in Active Directory (isDeleted is TRUE: a tombstone or a deleted object in the Deleted Objects container). Single Object Sync synchronizes the modifications Add and Update only, not Delete.',
    recommendedAction:
      'Restore the object in Active Directory (Active Directory Recycle Bin) and sync its restored distinguished name, or let the scheduled synchronization cycle process the deletion.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-single-object-sync',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  InsufficientAccess: {
    code: 'InsufficientAccess',
    reason: 'The connector account {bindDn} is not allowed to {operation} {dn}.',
    recommendedAction:
      'Grant the connector account read permissions on the object and its OU (Entra Connect: Set-ADSyncBasicReadPermissions), or check for a blocked inheritance.',
    documentationUrl: connectorAccountDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ServerBusy: {
    code: 'ServerBusy',
    reason: 'The domain controller at {url} is busy, unavailable or unwilling to perform {operation} (LDAP result {resultCode}): {detail}.',
    recommendedAction: 'Retry in a moment; if it persists, check the domain controller event log and its directory service, or point the connector at another domain controller.',
    documentationUrl: ldapErrorsDoc,
    category: 'failure',
    remedy: 'none',
  },
  SizeLimitExceeded: {
    code: 'SizeLimitExceeded',
    reason: 'The domain controller at {url} refused to {operation} {dn} in full (LDAP result {resultCode}, sizeLimitExceeded): more entries match than its size limit allows.',
    recommendedAction: 'Check the LDAP policies of the domain controller (MaxPageSize, MaxResultSetSize: ntdsutil "ldap policies"), or narrow the scope: a deeper --search-base or an --ldap-filter.',
    documentationUrl: ldapErrorsDoc,
    category: 'failure',
    remedy: 'none',
  },
  LdapOperationFailed: {
    code: 'LdapOperationFailed',
    reason: 'The domain controller at {url} failed {operation} (LDAP result {resultCode}): {detail}.',
    recommendedAction: 'Check the message above and the domain controller event log; retry once the cause is fixed.',
    documentationUrl: ldapErrorsDoc,
    category: 'failure',
    remedy: 'none',
  },
  InvalidDirectoryConfiguration: {
    code: 'InvalidDirectoryConfiguration',
    reason: 'The Active Directory connector {connector} is not usable: {problem}.',
    recommendedAction: 'Fix the connector in single-object-sync.json: give either "url" (ldaps:// or ldap://) or "ldifFile", and a bindDn with a password for LDAP.',
    documentationUrl: ldapsDoc,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  MalformedDirectoryValue: {
    code: 'MalformedDirectoryValue',
    reason: "The object's {attribute} is not what Active Directory stores: {problem}.",
    recommendedAction:
      'Read the object with Get-ADObject or ldp.exe and compare. In an LDIF snapshot a binary value is base64 (attribute:: value), as ldifde and ldapsearch write it; export the snapshot again rather than editing it. Nothing was kept in the state or written.',
    documentationUrl: ldifDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  LdifUnreadable: {
    code: 'LdifUnreadable',
    reason: 'The LDIF snapshot {file} could not be read at line {line}: {problem}.',
    recommendedAction: 'Export the snapshot again (ldifde -f file.ldf or ldapsearch -LLL), and keep the file unmodified.',
    documentationUrl: ldifDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ContinuationExpired: {
    code: 'ContinuationExpired',
    reason: 'The listing of {dn} cannot continue: its continuation is not valid for this connection.',
    recommendedAction: 'Refresh the listing from its first page.',
    documentationUrl: ldapErrorsDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  // A domain controller (or what answers in its place) that breaks the protocol: an answer the
  // adapter refuses rather than use (src/adapters/ad/ldap: wire-guard.ts, answer-checks.ts).
  DirectoryAnswerInvalid: {
    code: 'DirectoryAnswerInvalid',
    reason: 'The domain controller at {url} ({server}) answered {operation} {dn} with what Active Directory never sends: {problem}. The answer was not used.',
    recommendedAction:
      'Retry once. If it happens again, check that {url} is a domain controller of the domain, reached directly (not through a proxy, a load balancer or another LDAP server answering in its place), and look at its Directory Service event log. Nothing was kept in the state or written.',
    documentationUrl: ldapErrorsDoc,
    category: 'failure',
    remedy: 'none',
  },
  ReferralNotFollowed: {
    code: 'ReferralNotFollowed',
    reason: 'The domain controller at {url} ({server}) referred {operation} {dn} to another server (LDAP result 10, a referral: {detail}). Referrals are not followed, so the connector account and its password only ever go to {server}.',
    recommendedAction:
      'Give a distinguished name or search base inside a partition this domain controller holds, or point the connector ("url") at a domain controller of the domain that holds {dn}.',
    documentationUrl: ldapErrorsDoc,
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
} as const satisfies Record<string, CatalogEntry>;
