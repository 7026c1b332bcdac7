// What Microsoft Entra ID derives itself when the rules leave a value out
// (plan-connect-userprincipalname): the cloud mailNickname at first sync and the MOERA UPN.
import type { AttributeValue } from '../model/attributes';

const text = (values: AttributeValue[] | null | undefined): string[] => (values ?? []).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
const prefix = (address: string) => {
  const at = address.indexOf('@');
  return at > 0 ? address.slice(0, at) : undefined;
};

/**
 * The mailNickname Microsoft Entra ID gives a user at first sync: the first present of the
 * on-premises mailNickname, the primary SMTP address prefix, the mail prefix, the UPN prefix,
 * a secondary smtp address prefix. Input uses Entra connector names (alias, proxyAddresses,
 * mail, userPrincipalName) or metaverse names (mailNickname instead of alias).
 */
export function cloudMailNickname(attributes: Record<string, AttributeValue[] | null | undefined>): string | undefined {
  const alias = text(attributes.alias ?? attributes.mailNickname)[0];
  if (alias) return alias;
  const proxies = text(attributes.proxyAddresses);
  const primary = proxies.find((p) => p.startsWith('SMTP:'));
  if (primary && prefix(primary.slice(5))) return prefix(primary.slice(5));
  const mail = text(attributes.mail)[0];
  if (mail && prefix(mail)) return prefix(mail);
  const upn = text(attributes.userPrincipalName)[0];
  if (upn && prefix(upn)) return prefix(upn);
  const secondary = proxies.find((p) => p.toLowerCase().startsWith('smtp:'));
  return secondary ? prefix(secondary.slice(5)) : undefined;
}

/** The Microsoft Online Email Routing Address used as UPN when the suffix is not verified. */
export function moeraUserPrincipalName(mailNickname: string, initialDomain: string): string {
  return `${mailNickname}@${initialDomain}`;
}
