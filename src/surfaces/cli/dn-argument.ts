// A distinguished name given on the command line. Node decodes argv as UTF-8 and turns bytes
// that are not UTF-8 (a Latin-1 terminal, a script saved in another encoding) into U+FFFD; such a
// name can only end in "no such object", so it is refused where it enters, as an --input file
// that is not UTF-8 is. Another name of the object (a userPrincipalName, ...) is said as such.
import { directoryErrors } from '../../engine/errors/catalog/directory';
import { SyncError } from '../../engine/errors/sync-error';
import { Dn } from '../../engine/model/dn';
import { explainNotADn } from '../../engine/model/other-object-names';
import { overlongRdn } from '../../app/batch/targets';

export function parseDnArgument(text: string): Dn {
  const replaced = text.indexOf('\uFFFD');
  if (replaced >= 0) {
    throw new SyncError(directoryErrors.MalformedDistinguishedName, {
      position: replaced + 1,
      problem: 'it holds bytes that are not UTF-8 text (the shell or script passed it in another encoding, such as Latin-1); pass the name as UTF-8',
      dn: text,
    });
  }
  const parsed = Dn.tryParse(text);
  // A UPN, a GUID, DOMAIN\name, an ADsPath or a canonical name is said as what it is.
  if (!parsed.ok) throw explainNotADn(text, parsed.error);
  const long = overlongRdn(parsed.dn, text);
  if (long) throw new SyncError(directoryErrors.MalformedDistinguishedName, { position: long.position, problem: long.problem, dn: text });
  return parsed.dn;
}
