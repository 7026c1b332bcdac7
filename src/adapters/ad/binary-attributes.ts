// Attributes whose values are bytes (AD syntaxes Octet String 2.5.5.10 and SID 2.5.5.17, plus
// the NT security descriptor). ldapts only returns bytes for names in explicitBufferAttributes,
// matched case-sensitively against the server's spelling, so both spellings are listed.
const BINARY = [
  'objectGUID',
  'objectSid',
  'mS-DS-ConsistencyGuid',
  'thumbnailPhoto',
  'jpegPhoto',
  'userCertificate',
  'userSMIMECertificate',
  'cACertificate',
  'sIDHistory',
  'tokenGroups',
  'msExchMailboxGuid',
  'msExchArchiveGUID',
  'msExchMasterAccountSid',
  'msDS-CreatorSID',
  'mS-DS-CreatorSID',
  'nTSecurityDescriptor',
  'logonHours',
  'msDS-GenerationId',
  'msDS-AllowedToActOnBehalfOfOtherIdentity',
  'securityIdentifier',
  'objectGUID;binary',
  'userCertificate;binary',
];

const lower = new Set(BINARY.map((name) => name.toLowerCase()));

/** Names to pass as ldapts explicitBufferAttributes. */
export const explicitBufferAttributes: string[] = [...new Set([...BINARY, ...BINARY.map((n) => n.toLowerCase())])];

export function isBinaryAttribute(name: string): boolean {
  return lower.has(name.toLowerCase().replace(/;range=.*$/, ''));
}
