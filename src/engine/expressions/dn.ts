// Distinguished-name helpers for DNComponent / DNComponentRev / EscapeDNComponent.
// Components keep their escaped form, as Entra Connect returns them (the out-of-box rules
// look for the conflict marker "\0ACNF:" in the first RDN).

export interface DnComponent {
  type: string;
  value: string;
}

export function dnComponents(dn: string): DnComponent[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      current += c + dn[i + 1];
      i++;
    } else if (c === ',' || c === ';') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  return parts.map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? { type: '', value: part.trim() } : { type: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
  });
}

/** RFC 4514 escaping of an attribute value. */
export function escapeDnComponent(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\n/g, '\\0A').replace(/\r/g, '\\0D');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}
