import type { CatalogEntry } from '../sync-error';

const ldapFilterDoc = 'https://learn.microsoft.com/windows/win32/adsi/search-filter-syntax';
const deletionThresholdDoc = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-prevent-accidental-deletes';
const filteringDoc = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-configure-filtering';

/** Errors of batch runs (--search-base, --input, --what-if-config): all found before any write. */
export const batchErrors = {
  InvalidLdapFilter: {
    code: 'InvalidLdapFilter',
    reason: 'The LDAP filter {filter} is not one valid RFC 4515 filter: {problem}.',
    recommendedAction:
      'Give one complete filter in parentheses, for example (department=Sales) or (&(department=Sales)(l=Paris)); escape * ( ) \\ in values as \\2a \\28 \\29 \\5c. The filter can only narrow the search base and the object types; nothing was read or written.',
    documentationUrl: ldapFilterDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  SearchBaseNotFound: {
    code: 'SearchBaseNotFound',
    reason: 'The search base {base} does not exist in {connector} (or the connector account cannot see it).',
    recommendedAction: 'Check the distinguished name of the OU or container (copy it from the tree or from ADSI Edit); nothing was written.',
    documentationUrl: 'https://learn.microsoft.com/previous-versions/windows/desktop/ldap/distinguished-names',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  SearchBaseOutsideConnectors: {
    code: 'SearchBaseOutsideConnectors',
    reason: 'The search base {base} is not inside a partition of any configured Active Directory connector ({partitions}).',
    recommendedAction: 'Give an OU or container inside one of the configured partitions, or add the domain to activeDirectory[].partitions in the configuration; nothing was written.',
    documentationUrl: filteringDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  BatchInputUnreadable: {
    code: 'BatchInputUnreadable',
    reason: 'The input file {file} cannot be used: {problem}.',
    recommendedAction: 'Give a text file (UTF-8, or UTF-16 with a byte-order mark as Windows PowerShell writes it) with one distinguished name per line; empty lines and lines starting with # are ignored. Nothing was read from the directory or written.',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  BatchScopeEmpty: {
    code: 'BatchScopeEmpty',
    reason: 'The batch has no objects: {what}.',
    recommendedAction: 'Check the search base, --scope (one: only direct children) and --ldap-filter, or the input file.',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  WhatIfConfigurationInvalid: {
    code: 'WhatIfConfigurationInvalid',
    reason: 'The proposed configuration {file} cannot be compared with the current one: {problem}.',
    recommendedAction: 'Fix the proposed file (single-object-sync --validate-config --config <file> names every problem). It may change OU, group and attribute filtering, the sync rules or the server-configuration export, not how the tool connects: keep the tenant, app, authority, Graph endpoint, credential settings and CA files of the current configuration, and for each LDAP connector its URL, transport, bind DN, password variable and CA.',
    category: 'nonServiceFailure',
    remedy: 'configuration',
  },
  DeletionThresholdExceeded: {
    code: 'DeletionThresholdExceeded',
    reason:
      'The proposed configuration would delete {deletes} object(s) from Microsoft Entra ID, more than the export deletion threshold of {threshold}: Entra Connect would stop the export ("stopped-deletion-threshold-exceeded") before deleting any object, and export nothing else either, until an administrator acts.',
    recommendedAction:
      'First check the objects listed as leaving scope: if the deletes are not intended, fix the proposed filtering. If they are, on the Entra Connect server note the threshold (Get-ADSyncExportDeletionThreshold), run Disable-ADSyncExportDeletionThreshold, run Export on the Microsoft Entra ID connector (Synchronization Service Manager, Connectors, Run), then Enable-ADSyncExportDeletionThreshold -DeletionThreshold {threshold} (or the value noted) to turn the protection back on; raising the threshold is safer than leaving it disabled.',
    documentationUrl: deletionThresholdDoc,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  DuplicateValuesInBatch: {
    code: 'DuplicateValuesInBatch',
    reason:
      '{count} value(s) would be added in Microsoft Entra ID by more than one object of this batch, and no cloud object holds them yet: each object was staged on its own, so each looks free. Exported, Entra ID keeps each value on the object exported first and quarantines it on the others (duplicate attribute resiliency: a userPrincipalName becomes <prefix><4 digits>@<initial domain>, an SMTP address is dropped), and the objects report a conflict.',
    recommendedAction:
      'Give each value to one object only, at its source in Active Directory (the objects are listed), then run the batch again before exporting. Which object keeps the value depends on the export order, not on this list.',
    documentationUrl: 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-duplicate-attribute-resiliency',
    category: 'nonServiceFailure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
