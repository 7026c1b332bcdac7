// Every distinct expression of the out-of-box rules (the 391 expressions of a default
// install's export, 86 distinct texts) evaluated against fixture objects with expected values.
// The test fails when the rule set gains an expression that has no expectation here.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { compileExpression, IgnoreThisFlow, type Value } from '../../../../src/engine/expressions';
import type { AttributeValue } from '../../../../src/engine/model/attributes';
import { getValues } from '../../../../src/engine/model/attributes';
import { SyncError } from '../../../../src/engine/errors/sync-error';
import { outOfBoxRules } from '../../../../src/engine/rules/builtin/out-of-box-rules';

const guid = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
const guidB64 = Buffer.from(guid).toString('base64');
const sid = Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xe8, 3, 0, 0]);
const parameters: Record<string, string> = { 'Connector.ID': '{AE4DB4CC}', 'Domain.FQDN': 'corp.contoso.com', 'Domain.Netbios': 'CORP', 'Forest.FQDN': 'contoso.com', 'Forest.Netbios': 'CONTOSO' };
const dn = 'CN=Jane Doe,OU=Users,DC=corp,DC=contoso,DC=com';

type Attrs = Record<string, AttributeValue[]>;
type Expected = Value | { error: string };
const run = (expression: string, attributes: Attrs, objectDn = dn): Value => {
  const lookup = (name: string) => getValues(attributes, name) ?? (name === 'dn' ? [objectDn] : undefined);
  return compileExpression(expression).evaluate({ attribute: lookup, parameter: (n) => parameters[n] });
};

const user: Attrs = { sAMAccountName: ['jdoe'], cn: ['Jane Doe'], displayName: ['Jane Doe'], objectGUID: [guid], objectSid: [sid], userAccountControl: ['512'], pwdLastSet: ['133500000000000000'], proxyAddresses: ['SMTP:jane@contoso.com', ' smtp:jd@contoso.com', 'smtp:jd@contoso.com'], mail: ['jane@contoso.com'] };
const mvUser: Attrs = { sourceAnchor: [guidB64], sourceObjectType: ['User'], cloudAnchor: ['User_1234'] };

// expression -> cases [attributes, expected, dn?]
const cases: Record<string, [Attrs, Expected, string?][]> = {
  '"CN={" & ConvertToUTF8Hex([sourceAnchor]) & "}"': [[{ sourceAnchor: ['AB=='] }, 'CN={41423D3D}']],
  '%Connector.ID%': [[{}, '{AE4DB4CC}']],
  '%Domain.FQDN%': [[{}, 'corp.contoso.com']],
  '%Domain.Netbios%': [[{}, 'CORP']],
  '%Forest.FQDN%': [[{}, 'contoso.com']],
  '%Forest.Netbios%': [[{}, 'CONTOSO']],
  'CBool(BitAnd([groupType],-2147483648))': [[{ groupType: ['-2147483646'] }, true], [{ groupType: ['2'] }, false]],
  'CBool(IIF(IsNullOrEmpty([cloudMSExchRecipientDisplayType]),NULL,BitAnd([cloudMSExchRecipientDisplayType],&HFF) = 0))': [[{}, null], [{ cloudMSExchRecipientDisplayType: ['-2147483642'] }, false], [{ cloudMSExchRecipientDisplayType: ['256'] }, true]],
  'ConvertToBase64([objectGUID])': [[user, guidB64]],
  'IIF(( (IsPresent([proxyAddresses]) = True) && (Contains([proxyAddresses], "SMTP:") > 0) && (InStr(Item([proxyAddresses], Contains([proxyAddresses], "SMTP:")), "@") > 0)) ||  (IsPresent([mail]) = True && (InStr([mail], "@") > 0)), True, False)': [
    [{ proxyAddresses: ['smtp:a@x.com', 'SMTP:b@x.com'] }, true], [{ proxyAddresses: ['smtp:a@x.com'] }, false], [{ mail: ['b@x.com'] }, true], [{ mail: ['nobody'] }, false], [{}, false],
  ],
  'IIF(([memberCount]> 50000),Error("Maximum Group member count exceeded"),IgnoreThisFlow)': [[{ memberCount: ['12'] }, IgnoreThisFlow], [{ memberCount: ['50001'] }, { error: 'Maximum Group member count exceeded' }], [{}, IgnoreThisFlow]],
  'IIF(BitAnd([userAccountControl],2)=0,True,False)': [[{ userAccountControl: ['512'] }, true], [{ userAccountControl: ['514'] }, false]],
  'IIF(IsNull([searchableDeviceKey]), NULL, IIF(CNum(Mid([searchableDeviceKey],1,1))=0, Mid([searchableDeviceKey],1,7+CNum(Mid([searchableDeviceKey],5,2))) & CBin(Len(Thumbprint(Mid([searchableDeviceKey],8+CNum(Mid([searchableDeviceKey],5,2)),Len([searchableDeviceKey])))),2) & CBin(2,1) & Thumbprint(Mid([searchableDeviceKey],8+CNum(Mid([searchableDeviceKey],5,2)),Len([searchableDeviceKey]))) & Mid([searchableDeviceKey],8+CNum(Mid([searchableDeviceKey],5,2)),Len([searchableDeviceKey])), NULL))': [
    [{}, null], [{ searchableDeviceKey: ['1xxx03abcKEYDATA'] }, null],
    [{ searchableDeviceKey: ['0xxx03abcKEYDATA'] }, `0xxx03abcK${Buffer.from([20, 0]).toString('base64')}${Buffer.from([2]).toString('base64')}${createHash('sha1').update(Buffer.from('EYDATA', 'utf16le')).digest('base64')}EYDATA`],
  ],
  'IIF(IsNullOrEmpty([cloudLegacyExchangeDN]),NULL,"x500:" & [cloudLegacyExchangeDN])': [[{}, null], [{ cloudLegacyExchangeDN: ['/o=ExchangeLabs/cn=x'] }, 'x500:/o=ExchangeLabs/cn=x']],
  'IIF(IsNullOrEmpty([cloudMSExchUserHoldPolicies]),IgnoreThisFlow,[cloudMSExchUserHoldPolicies])': [[{}, IgnoreThisFlow], [{ cloudMSExchUserHoldPolicies: ['a', 'b'] }, ['a', 'b']]],
  'IIF(IsNullOrEmpty([countryCode]),IgnoreThisFlow,[countryCode])': [[{}, IgnoreThisFlow], [{ countryCode: ['840'] }, '840']],
  'IIF(IsNullOrEmpty([description]),NULL,Left(Trim(Item([description],1)),448))': [[{}, null], [{ description: [` ${'d'.repeat(500)} `, 'second'] }, 'd'.repeat(448)]],
  'IIF(IsNullOrEmpty([displayName]),[cn],[displayName])': [[{ cn: ['CN'] }, 'CN'], [{ cn: ['CN'], displayName: [''] }, 'CN'], [{ cn: ['CN'], displayName: ['Display'] }, 'Display']],
  'IIF(IsNullOrEmpty([postOfficeBox]),NULL,Left(Trim(Item([postOfficeBox],1)),448))': [[{}, null], [{ postOfficeBox: [' PO 12 '] }, 'PO 12']],
  'IIF(IsNullOrEmpty([url]),NULL,Left(Trim(Item([url],1)),448))': [[{}, null], [{ url: ['https://a', 'https://b'] }, 'https://a']],
  'IIF(IsNullOrEmpty([usageLocation]),IgnoreThisFlow,[usageLocation])': [[{}, IgnoreThisFlow], [{ usageLocation: ['US'] }, 'US']],
  'IIF(IsNullOrEmpty([userCertificate]),True,NULL)': [[{}, true], [{ userCertificate: [Uint8Array.from([1])] }, null]],
  'IIF(IsPresent([cloudSourceAnchor]), IIF(Word([cloudAnchor],1,"_")=[sourceObjectType],IIF([cloudSourceAnchor] = [sourceAnchor],[sourceAnchor],Error("SourceAnchor attribute has changed.")),[sourceAnchor]),[sourceAnchor])': [
    [mvUser, guidB64], [{ ...mvUser, cloudSourceAnchor: [guidB64] }, guidB64], [{ ...mvUser, cloudSourceAnchor: ['b3RoZXI='] }, { error: 'SourceAnchor attribute has changed.' }],
    [{ ...mvUser, cloudSourceAnchor: ['b3RoZXI='], cloudAnchor: ['Contact_1'] }, guidB64],
  ],
  'IIF(IsPresent([cloudSourceAnchor]),IIF([cloudSourceAnchor] = [sourceAnchor],[sourceAnchor],Error("SourceAnchor attribute has changed.")),[sourceAnchor])': [[mvUser, guidB64], [{ ...mvUser, cloudSourceAnchor: ['b3RoZXI='] }, { error: 'SourceAnchor attribute has changed.' }]],
  'IIF(IsPresent([isCriticalSystemObject]) || ( (InStr([displayName], "(MSOL)") > 0) && (CBool([msExchHideFromAddressLists]))) || (Left([mailNickname], 4) = "CAS_" && (InStr([mailNickname], "}") > 0)) || CBool(InStr(DNComponent(CRef([dn]),1),"\\\\0ACNF:")>0), True, NULL)': [
    [{ displayName: ['Pat'] }, null], [{ displayName: ['Sync (MSOL)'], msExchHideFromAddressLists: ['TRUE'] }, true], [{ displayName: ['Sync (MSOL)'], msExchHideFromAddressLists: ['FALSE'] }, null],
    [{ isCriticalSystemObject: ['TRUE'] }, true], [{ mailNickname: ['CAS_{1}'] }, true], [{}, true, 'CN=Pat\\0ACNF:1234,OU=C,DC=x'],
  ],
  'IIF(IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = "SUPPORT_388945a0" || Left([mailNickname], 14) = "SystemMailbox{" || Left([sAMAccountName], 4) = "AAD_" || (Left([mailNickname], 4) = "CAS_" && (InStr([mailNickname], "}") > 0)) || (Left([sAMAccountName], 4) = "CAS_" && (InStr([sAMAccountName], "}") > 0)) || Left([sAMAccountName], 5) = "MSOL_" || CBool(IIF(IsPresent([msExchRecipientTypeDetails]),BitAnd([msExchRecipientTypeDetails],&H21C07000) > 0,NULL)) || CBool(InStr(DNComponent(CRef([dn]),1),"\\\\0ACNF:")>0), True, NULL)': [
    [user, null], [{ ...user, msExchRecipientTypeDetails: ['1'] }, null], [{ ...user, msExchRecipientTypeDetails: ['4096'] }, true], [{}, true], [{ ...user, sAMAccountName: ['SUPPORT_388945a0'] }, true],
    [{ ...user, mailNickname: ['SystemMailbox{abc}'] }, true], [{ ...user, sAMAccountName: ['CAS_{x}'] }, true], [{ ...user, sAMAccountName: ['CAS_x'] }, null], [user, true, 'CN=Jane\\0ACNF:1234,OU=Users,DC=x'],
  ],
  'IIF(IsPresent([isCriticalSystemObject]) || [sAMAccountName] = "MSOL_AD_Sync_RichCoexistence" || CBool(IIF(IsPresent([msExchRecipientTypeDetails]),BitAnd([msExchRecipientTypeDetails],&H40000000) > 0,NULL))  || CBool(InStr(DNComponent(CRef([dn]),1),"\\\\0ACNF:")>0), True, NULL)': [
    [{ sAMAccountName: ['Sales'] }, null], [{ sAMAccountName: ['MSOL_AD_Sync_RichCoexistence'] }, true], [{ sAMAccountName: ['Role'], msExchRecipientTypeDetails: ['1073741824'] }, true],
  ],
  'IIF(IsPresent([legacyExchangeDN]), [legacyExchangeDN], NULL)': [[{}, null], [{ legacyExchangeDN: ['/o=C'] }, '/o=C']],
  'IIF(IsPresent([mailNickname]), [mailNickname], [cn])': [[{ cn: ['Pat'] }, 'Pat'], [{ cn: ['Pat'], mailNickname: ['pat'] }, 'pat']],
  'IIF(IsPresent([msExchRecipientTypeDetails]), IIF([msExchRecipientTypeDetails]=2, NULL, "User"), "User")': [[{}, 'User'], [{ msExchRecipientTypeDetails: ['2'] }, null], [{ msExchRecipientTypeDetails: ['1'] }, 'User']],
  'IIF(IsPresent([msExchRecipientTypeDetails]),IIF([msExchRecipientTypeDetails]=2,NULL,IIF(IsString([objectGUID]),CStr([objectGUID]),ConvertToBase64([objectGUID]))),IIF(IsString([objectGUID]),CStr([objectGUID]),ConvertToBase64([objectGUID])))': [
    [user, guidB64], [{ ...user, msExchRecipientTypeDetails: ['2'] }, null], [{ objectGUID: ['already-text'] }, 'already-text'],
  ],
  'IIF(IsPresent([pwdLastSet]),CStr(FormatDateTime(DateFromNum([pwdLastSet]),"yyyyMMddHHmmss.0Z")),NULL)': [[user, '20240117212000.0Z'], [{}, null]],
  'IIF(IsPresent([userPrincipalName]),[userPrincipalName], IIF(IsPresent([sAMAccountName]),([sAMAccountName]&"@"&%Domain.FQDN%),Error("AccountName is not present")))': [
    [{ userPrincipalName: ['a@b.com'], sAMAccountName: ['a'] }, 'a@b.com'], [{ sAMAccountName: ['a'] }, 'a@corp.contoso.com'], [{}, { error: 'AccountName is not present' }],
  ],
  'IIF([cloudSOAExchMailbox] = True,[cloudMSExchBlockedSendersHash],IgnoreThisFlow)': [[{ cloudSOAExchMailbox: ['TRUE'], cloudMSExchBlockedSendersHash: ['h'] }, 'h'], [{ cloudSOAExchMailbox: ['False'] }, IgnoreThisFlow], [{}, IgnoreThisFlow]],
  'IIF([cloudSOAExchMailbox] = True,[cloudMSExchSafeRecipientsHash],IgnoreThisFlow)': [[{ cloudSOAExchMailbox: [true], cloudMSExchSafeRecipientsHash: ['r'] }, 'r']],
  'IIF([cloudSOAExchMailbox] = True,[cloudMSExchSafeSendersHash],IgnoreThisFlow)': [[{ cloudSOAExchMailbox: ['True'], cloudMSExchSafeSendersHash: ['s'] }, 's']],
  'ImportedValue("sourceAnchor")': [[{ sourceAnchor: ['abc='] }, 'abc='], [{}, null]],
  // Functions reference, Left: "If string is null, return empty string." (NULL before).
  'Left(Trim([info]),448)': [[{ info: [` ${'i'.repeat(449)}`] }, 'i'.repeat(448)], [{}, '']],
  'RemoveDuplicates(Trim(ImportedValue("proxyAddresses")))': [[user, ['SMTP:jane@contoso.com', 'smtp:jd@contoso.com']]],
  'StringFromSid([objectSid])': [[user, 'S-1-5-21-1-2-3-1000']],
  'ValueCount("member")': [[{ member: ['CN=a', 'CN=b'] }, 2], [{}, 0]],
};

const distinct = [...new Set(outOfBoxRules.flatMap((r) => r.flows.filter((f) => f.type === 'Expression').map((f) => f.expression!)))];

test('the out-of-box rules have 86 distinct expressions, every one with expectations here', () => {
  assert.equal(distinct.length, 86);
  const missing = distinct.filter((e) => !/^Trim\(\[[\w-]+\]\)$/.test(e) && !(e in cases));
  assert.deepEqual(missing, []);
});

test('every Trim([attribute]) expression trims each value and keeps NULL', () => {
  const trims = distinct.filter((e) => /^Trim\(\[[\w-]+\]\)$/.test(e));
  assert.equal(trims.length, 45);
  for (const expression of trims) {
    const attribute = /\[([\w-]+)\]/.exec(expression)![1]!;
    assert.equal(run(expression, { [attribute]: ['  value  '] }), 'value', expression);
    assert.deepEqual(run(expression, { [attribute]: [' a ', 'b '] }), ['a', 'b'], expression);
    assert.equal(run(expression, {}), null, expression);
  }
});

for (const [expression, list] of Object.entries(cases)) {
  test(`out-of-box: ${expression.length > 90 ? `${expression.slice(0, 90)}...` : expression}`, () => {
    for (const [attributes, expected, objectDn] of list) {
      if (expected && typeof expected === 'object' && 'error' in expected) {
        assert.throws(() => run(expression, attributes, objectDn), (err: unknown) => err instanceof SyncError && err.code === 'ExpressionError' && err.reason === expected.error);
      } else {
        assert.deepEqual(run(expression, attributes, objectDn), expected, JSON.stringify(attributes));
      }
    }
  });
}
