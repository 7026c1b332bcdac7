import type { CatalogEntry } from '../sync-error';

const learn = 'https://learn.microsoft.com/entra/identity/hybrid/connect';

/** Why an object is not in sync scope (steps 1-6 and the rules' scoping), as Entra Connect explains it. */
export const scopeErrors = {
  ObjectOutsideConfiguredPartitions: {
    code: 'ObjectOutsideConfiguredPartitions',
    reason: "The object '{dn}' is not in any partition of a configured Active Directory connector (configured: {partitions}).",
    recommendedAction: 'Check the distinguished name, or add the domain to the connector configuration (activeDirectory[].partitions).',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=866237',
    category: 'nonServiceFailure',
  },
  PartitionNotInDirectory: {
    code: 'PartitionNotInDirectory',
    reason: "The partition '{partition}' is configured but the directory does not list it among its domain partitions ({found}).",
    recommendedAction: 'Refresh the connector configuration from the directory; the domain may have been removed or renamed.',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=866237',
    category: 'nonServiceFailure',
  },
  PartitionNotSelected: {
    code: 'PartitionNotSelected',
    reason: "The object belongs to domain '{partition}', which is filtered from synchronization (the partition is not selected on connector '{connector}').",
    recommendedAction: 'Select the partition in the connector configuration (Entra Connect wizard: Domain and OU filtering) if the domain should sync.',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=866237',
    category: 'nonServiceFailure',
  },
  ContainerExcluded: {
    code: 'ContainerExcluded',
    reason: "The object belongs to a container '{container}' that is excluded from syncing.",
    recommendedAction: 'Move the object to a synced OU, or include the OU in the connector configuration (Domain and OU filtering).',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=866235',
    category: 'nonServiceFailure',
  },
  ContainerNotIncluded: {
    code: 'ContainerNotIncluded',
    reason: "The object is not under any included container of partition '{partition}'.",
    recommendedAction: 'Include the OU that holds the object in the connector configuration (Domain and OU filtering).',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=866235',
    category: 'nonServiceFailure',
  },
  ObjectTypeNotInScope: {
    code: 'ObjectTypeNotInScope',
    reason: "Object is not present in sync scope as it is of object class '{objectClass}' which is not part of the connector's object type inclusion list ({objectTypes}).",
    recommendedAction: "Add the object type to the connector's object types if it should sync, then refresh the schema.",
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=2116749',
    category: 'nonServiceFailure',
  },
  DynamicDistributionGroup: {
    code: 'DynamicDistributionGroup',
    reason: 'Microsoft Entra Connect does not synchronize on-premises dynamic distribution groups.',
    recommendedAction: 'Create the group in Exchange Online instead.',
    documentationUrl: `${learn}/how-to-connect-sync-technical-concepts`,
    category: 'nonServiceFailure',
  },
  NotMemberOfFilteringGroup: {
    code: 'NotMemberOfFilteringGroup',
    reason: "Group filtering is enabled and the object is not a direct member of filtering group '{group}'{nested}.",
    recommendedAction: 'Add the object itself (not a group containing it) to the filtering group: nested membership is not resolved.',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=532867',
    category: 'nonServiceFailure',
  },
  FilteringGroupNotFound: {
    code: 'FilteringGroupNotFound',
    reason: "The group filtering group '{group}' cannot be read in the directory.",
    recommendedAction: 'Check Connector.GroupFilteringGroupDn (groupFilteringGroupDn) and that the connector account can read the group.',
    documentationUrl: 'https://go.microsoft.com/fwlink/?linkid=532867',
    category: 'nonServiceFailure',
  },
  NoInboundRuleInScope: {
    code: 'NoInboundRuleInScope',
    reason: "No inbound synchronization rule that provisions or joins object type '{objectType}' is in scope; the object does not reach the metaverse.",
    recommendedAction: "See the out-of-scope rules and the clause that failed in the Sync step; fix the attribute that the clause checks (for example isCriticalSystemObject or adminDescription).",
    documentationUrl: `${learn}/concept-azure-ad-connect-sync-declarative-provisioning`,
    category: 'nonServiceFailure',
  },
  NotProjectedToMetaverse: {
    code: 'NotProjectedToMetaverse',
    reason: "No inbound rule that provisions (projects) object type '{objectType}' into the metaverse is in scope ({failed}), and no metaverse object exists to join: the object stays a disconnector and does not reach Microsoft Entra ID.",
    recommendedAction: 'Fix the attribute that the failing scope clause tests (see the out-of-scope rules in the Sync step), or deliberately leave the object filtered.',
    documentationUrl: `${learn}/how-to-connect-sync-configure-filtering#attribute-based-filtering`,
    category: 'nonServiceFailure',
  },
  CloudFiltered: {
    code: 'CloudFiltered',
    reason: "The metaverse attribute cloudFiltered is True (set by rule '{rule}'), so no outbound rule provisions the object to Microsoft Entra ID.",
    recommendedAction: 'The object is filtered by design (critical system object, system mailbox, or adminDescription filter). Change the attribute that the rule tests if the object should sync.',
    documentationUrl: `${learn}/how-to-connect-sync-configure-filtering#attribute-based-filtering`,
    category: 'nonServiceFailure',
  },
  NoOutboundRuleInScope: {
    code: 'NoOutboundRuleInScope',
    reason: 'No outbound synchronization rule to Microsoft Entra ID is in scope for the metaverse object ({objectType}).',
    recommendedAction: 'See the out-of-scope rules and the clause that failed in the Sync step.',
    documentationUrl: `${learn}/concept-azure-ad-connect-sync-declarative-provisioning`,
    category: 'nonServiceFailure',
  },
} as const satisfies Record<string, CatalogEntry>;
