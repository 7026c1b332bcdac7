// The RDN components DNComponent / DNComponentRev return, read with the one DN parser
// (src/engine/model/dn.ts). Components keep their escaped form, as Entra Connect returns them
// (the out-of-box rules look for the conflict marker "\0ACNF:" in the first RDN).
import { Dn } from '../model/dn';

export interface DnComponent {
  type: string;
  value: string;
}

/** The RDNs of a DN, most specific first, values as written; undefined when it is not a DN. */
export function dnComponents(text: string): DnComponent[] | undefined {
  const parsed = Dn.tryParse(text);
  if (!parsed.ok) return undefined;
  return parsed.dn.rdns.map((rdn) => {
    const at = rdn.source.indexOf('=');
    // The source is trimmed of unescaped trailing spaces; spaces after '=' are not the value's.
    return { type: rdn.source.slice(0, at).trim(), value: rdn.source.slice(at + 1).replace(/^ +/, '') };
  });
}
