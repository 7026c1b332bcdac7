// Property tables of the directory entities, from the v1.0 CSDL extract
// (shared reference graph-v1.0-directory-schema.json), plus what the documentation says
// about writability, required properties, lengths and default-returned properties.
export type PropertyKind = 'string' | 'boolean' | 'int' | 'dateTime' | 'complex' | 'string[]' | 'complex[]';

export const userProperties = {
  id: 'string',
  deletedDateTime: 'dateTime',
  aboutMe: 'string',
  accountEnabled: 'boolean',
  ageGroup: 'string',
  assignedLicenses: 'complex[]',
  assignedPlans: 'complex[]',
  authorizationInfo: 'complex',
  birthday: 'dateTime',
  businessPhones: 'string[]',
  city: 'string',
  companyName: 'string',
  consentProvidedForMinor: 'string',
  country: 'string',
  createdDateTime: 'dateTime',
  creationType: 'string',
  customSecurityAttributes: 'complex',
  department: 'string',
  deviceEnrollmentLimit: 'int',
  displayName: 'string',
  employeeHireDate: 'dateTime',
  employeeId: 'string',
  employeeLeaveDateTime: 'dateTime',
  employeeOrgData: 'complex',
  employeeType: 'string',
  externalUserState: 'string',
  externalUserStateChangeDateTime: 'dateTime',
  faxNumber: 'string',
  givenName: 'string',
  hireDate: 'dateTime',
  identities: 'complex[]',
  identityParentId: 'string',
  imAddresses: 'string[]',
  interests: 'string[]',
  isManagementRestricted: 'boolean',
  isResourceAccount: 'boolean',
  jobTitle: 'string',
  lastPasswordChangeDateTime: 'dateTime',
  legalAgeGroupClassification: 'string',
  licenseAssignmentStates: 'complex[]',
  mail: 'string',
  mailboxSettings: 'complex',
  mailNickname: 'string',
  mobilePhone: 'string',
  mySite: 'string',
  officeLocation: 'string',
  onPremisesDistinguishedName: 'string',
  onPremisesDomainName: 'string',
  onPremisesExtensionAttributes: 'complex',
  onPremisesImmutableId: 'string',
  onPremisesLastSyncDateTime: 'dateTime',
  onPremisesProvisioningErrors: 'complex[]',
  onPremisesSamAccountName: 'string',
  onPremisesSecurityIdentifier: 'string',
  onPremisesSyncEnabled: 'boolean',
  onPremisesUserPrincipalName: 'string',
  otherMails: 'string[]',
  passwordPolicies: 'string',
  passwordProfile: 'complex',
  pastProjects: 'string[]',
  postalCode: 'string',
  preferredDataLocation: 'string',
  preferredLanguage: 'string',
  preferredName: 'string',
  print: 'complex',
  provisionedPlans: 'complex[]',
  proxyAddresses: 'string[]',
  responsibilities: 'string[]',
  schools: 'string[]',
  securityIdentifier: 'string',
  serviceProvisioningErrors: 'complex[]',
  showInAddressList: 'boolean',
  signInActivity: 'complex',
  signInSessionsValidFromDateTime: 'dateTime',
  skills: 'string[]',
  state: 'string',
  streetAddress: 'string',
  surname: 'string',
  usageLocation: 'string',
  userPrincipalName: 'string',
  userType: 'string',
} as const satisfies Record<string, PropertyKind>;

export const groupProperties = {
  id: 'string',
  deletedDateTime: 'dateTime',
  accessType: 'complex',
  allowExternalSenders: 'boolean',
  assignedLabels: 'complex[]',
  assignedLicenses: 'complex[]',
  autoSubscribeNewMembers: 'boolean',
  classification: 'string',
  createdDateTime: 'dateTime',
  description: 'string',
  displayName: 'string',
  expirationDateTime: 'dateTime',
  groupTypes: 'string[]',
  hasMembersWithLicenseErrors: 'boolean',
  hideFromAddressLists: 'boolean',
  hideFromOutlookClients: 'boolean',
  infoCatalogs: 'string[]',
  isArchived: 'boolean',
  isAssignableToRole: 'boolean',
  isFavorite: 'boolean',
  isManagementRestricted: 'boolean',
  isSubscribedByMail: 'boolean',
  licenseProcessingState: 'complex',
  mail: 'string',
  mailEnabled: 'boolean',
  mailNickname: 'string',
  membershipRule: 'string',
  membershipRuleProcessingState: 'string',
  onPremisesDomainName: 'string',
  onPremisesExtensionAttributes: 'complex',
  onPremisesLastSyncDateTime: 'dateTime',
  onPremisesNetBiosName: 'string',
  onPremisesProvisioningErrors: 'complex[]',
  onPremisesSamAccountName: 'string',
  onPremisesSecurityIdentifier: 'string',
  onPremisesSyncEnabled: 'boolean',
  organizationId: 'string',
  preferredDataLocation: 'string',
  preferredLanguage: 'string',
  proxyAddresses: 'string[]',
  renewedDateTime: 'dateTime',
  resourceBehaviorOptions: 'string[]',
  resourceProvisioningOptions: 'string[]',
  securityEnabled: 'boolean',
  securityIdentifier: 'string',
  serviceProvisioningErrors: 'complex[]',
  theme: 'string',
  uniqueName: 'string',
  unseenConversationsCount: 'int',
  unseenCount: 'int',
  unseenMessagesCount: 'int',
  visibility: 'string',
  welcomeMessageEnabled: 'boolean',
} as const satisfies Record<string, PropertyKind>;

export const orgContactProperties = {
  id: 'string',
  deletedDateTime: 'dateTime',
  addresses: 'complex[]',
  companyName: 'string',
  department: 'string',
  displayName: 'string',
  givenName: 'string',
  jobTitle: 'string',
  mail: 'string',
  mailNickname: 'string',
  onPremisesLastSyncDateTime: 'dateTime',
  onPremisesProvisioningErrors: 'complex[]',
  onPremisesSyncEnabled: 'boolean',
  phones: 'complex[]',
  proxyAddresses: 'string[]',
  serviceProvisioningErrors: 'complex[]',
  surname: 'string',
} as const satisfies Record<string, PropertyKind>;

export const domainProperties = {
  id: 'string',
  deletedDateTime: 'dateTime',
  authenticationType: 'string',
  availabilityStatus: 'string',
  isAdminManaged: 'boolean',
  isDefault: 'boolean',
  isInitial: 'boolean',
  isRoot: 'boolean',
  isVerified: 'boolean',
  manufacturer: 'string',
  model: 'string',
  passwordNotificationWindowInDays: 'int',
  passwordValidityPeriodInDays: 'int',
  state: 'complex',
  supportedServices: 'string[]',
} as const satisfies Record<string, PropertyKind>;

export type EntityName = 'User' | 'Group' | 'OrgContact';

/** Writable user properties (MGDC user.md / user-update.md). Everything else is read-only. */
export const userWritable = new Set([
  'accountEnabled', 'ageGroup', 'consentProvidedForMinor', 'businessPhones', 'mobilePhone', 'faxNumber', 'city', 'country',
  'state', 'streetAddress', 'postalCode', 'companyName', 'department', 'jobTitle', 'officeLocation', 'displayName',
  'givenName', 'surname', 'employeeHireDate', 'employeeId', 'employeeOrgData', 'employeeType', 'mail', 'mailNickname',
  'onPremisesExtensionAttributes', 'onPremisesImmutableId', 'otherMails', 'passwordPolicies', 'passwordProfile',
  'preferredDataLocation', 'preferredLanguage', 'usageLocation', 'userPrincipalName', 'userType', 'identities',
  'employeeLeaveDateTime', 'aboutMe', 'birthday', 'hireDate', 'interests', 'mySite', 'pastProjects', 'responsibilities',
  'schools', 'skills',
]);
/** Writable, but only with a permission beyond User.ReadWrite.All (reference section 1.1). */
export const userPropertyPermissions: Record<string, string> = {
  identities: 'User.ManageIdentities.All',
  employeeLeaveDateTime: 'User-LifeCycleInfo.ReadWrite.All',
};
/** group.visibility: "Private/Public/Hiddenmembership" (reference section 1.2). */
export const groupVisibilities = ['Private', 'Public', 'Hiddenmembership'];

export const groupWritable = new Set([
  'description', 'displayName', 'mailEnabled', 'mailNickname', 'securityEnabled', 'visibility', 'preferredDataLocation',
  'preferredLanguage', 'classification', 'theme', 'membershipRule', 'membershipRuleProcessingState', 'groupTypes',
  'isAssignableToRole', 'resourceBehaviorOptions', 'resourceProvisioningOptions', 'allowExternalSenders',
  'autoSubscribeNewMembers', 'hideFromAddressLists', 'hideFromOutlookClients', 'isSubscribedByMail', 'unseenCount',
]);
/** Settable only when the group is created. */
export const groupCreateOnly = new Set(['groupTypes', 'isAssignableToRole', 'resourceBehaviorOptions', 'resourceProvisioningOptions']);
/** Settable only by PATCH; POST rejects them. */
export const groupPatchOnly = new Set(['allowExternalSenders', 'autoSubscribeNewMembers', 'hideFromAddressLists', 'hideFromOutlookClients', 'isSubscribedByMail', 'unseenCount']);

export const userRequired = ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile'];
export const groupRequired = ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'];

export const userMaxLength: Record<string, number> = {
  mobilePhone: 64, city: 128, country: 128, state: 128, streetAddress: 1024, postalCode: 40, companyName: 64,
  department: 64, jobTitle: 128, displayName: 256, givenName: 64, surname: 64, employeeId: 16, mailNickname: 64,
  userPrincipalName: 113, usageLocation: 2,
};
export const groupMaxLength: Record<string, number> = { displayName: 256, mailNickname: 64, description: 1024 };

/** Returned without $select (user.md "Returned by default"). */
export const userDefaultSelect = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage',
  'surname', 'userPrincipalName', 'id',
];
export const groupDefaultSelect = [
  'id', 'deletedDateTime', 'classification', 'createdDateTime', 'description', 'displayName', 'expirationDateTime',
  'groupTypes', 'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule',
  'membershipRuleProcessingState', 'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName',
  'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'preferredDataLocation',
  'preferredLanguage', 'proxyAddresses', 'renewedDateTime', 'resourceBehaviorOptions', 'resourceProvisioningOptions',
  'securityEnabled', 'securityIdentifier', 'theme', 'visibility', 'onPremisesProvisioningErrors', 'serviceProvisioningErrors',
];
export const orgContactDefaultSelect = Object.keys(orgContactProperties);

/**
 * $filter support (filter-directory-objects.md): 'default' works without advanced-query
 * parameters; 'advanced' needs ConsistencyLevel: eventual + $count=true.
 */
export const userFilterable: Record<string, 'default' | 'advanced'> = {
  id: 'default', onPremisesImmutableId: 'default', userPrincipalName: 'default', mail: 'default', mailNickname: 'default',
  employeeId: 'default', onPremisesSecurityIdentifier: 'default', onPremisesSyncEnabled: 'default', proxyAddresses: 'default',
  otherMails: 'default', accountEnabled: 'default', userType: 'default', usageLocation: 'default', displayName: 'default',
  givenName: 'default', surname: 'default', department: 'default', jobTitle: 'default', city: 'default', country: 'default', state: 'default',
  onPremisesSamAccountName: 'advanced', companyName: 'advanced', employeeType: 'advanced', mobilePhone: 'advanced',
  officeLocation: 'advanced', businessPhones: 'advanced', onPremisesUserPrincipalName: 'advanced', onPremisesDistinguishedName: 'advanced',
  // Reference section 3: "onPremisesExtensionAttributes/extensionAttributeN eq" needs advanced-query parameters.
  ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`onPremisesExtensionAttributes/extensionAttribute${i + 1}`, 'advanced' as const])),
};
export const groupFilterable: Record<string, 'default' | 'advanced'> = {
  id: 'default', mailNickname: 'default', mail: 'default', displayName: 'default', proxyAddresses: 'default',
  onPremisesSecurityIdentifier: 'default', onPremisesSyncEnabled: 'default', securityEnabled: 'default', mailEnabled: 'default',
  groupTypes: 'default', onPremisesSamAccountName: 'advanced', description: 'advanced',
};
export const orgContactFilterable: Record<string, 'default' | 'advanced'> = {
  id: 'default', displayName: 'default', mail: 'default', mailNickname: 'default', proxyAddresses: 'default', givenName: 'default',
  surname: 'default', onPremisesSyncEnabled: 'default', companyName: 'default', department: 'default', jobTitle: 'default',
};
/** endsWith works only on these (with advanced-query parameters). */
export const endsWithProperties = new Set(['mail', 'otherMails', 'userPrincipalName', 'proxyAddresses']);
