// The configuration's JSON schema check (ajv, draft-07), its errors said plainly with the JSON
// path and the line and column of the value (or of the key, for an unknown property).
import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../../schemas/single-object-sync.schema.json';
import { pointerToPath, type PositionedJson } from './json-positions';
import type { ConfigProblem } from './problems';

/** The schema's word on a value that is no DN at all (no '='); parse-configuration.ts says more when it can. */
export const DN_PATTERN_PROBLEM = 'must be a distinguished name (e.g. DC=corp,DC=contoso,DC=com)';

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** The schema's problems with a JSON value; none when it is valid. */
export function checkSchema(json: unknown, file: string, positions?: PositionedJson): ConfigProblem[] {
  return validate(json) ? [] : schemaProblems(validate.errors ?? [], file, positions);
}

function schemaProblems(errors: ErrorObject[], file: string, positions?: PositionedJson): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string, atKey = false) => {
    const key = `${pointer}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const position = (atKey ? positions?.keys.get(pointer) : undefined) ?? positions?.values.get(pointer);
    problems.push({ file, path: pointerToPath(pointer), message, severity: 'error', ...(position ?? {}) });
  };
  // oneOf on "rules" yields one error per branch; say it once, plainly.
  const rulesBranches = errors.some((e) => e.instancePath === '/rules' && e.keyword === 'oneOf');
  for (const e of errors) {
    if (rulesBranches && e.instancePath.startsWith('/rules') && !(e.keyword === 'additionalProperties' && e.instancePath === '/rules')) {
      if (e.keyword === 'oneOf') add('/rules', 'must be "builtin" or { "serverConfiguration": "<folder of a Get-ADSyncServerConfiguration export>" }');
      continue;
    }
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    switch (e.keyword) {
      case 'additionalProperties': {
        const name = String((e.params as { additionalProperty: string }).additionalProperty);
        add(`${e.instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, `unknown property "${name}"`, true);
        break;
      }
      case 'required':
        add(e.instancePath, `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`);
        break;
      case 'type':
        add(e.instancePath, `must be of type ${String((e.params as { type: string | string[] }).type).replace(',', ' or ')}`);
        break;
      case 'pattern': {
        const hints: Record<string, string> = {
          // No user name or password before an @: it would be shown wherever the URL is (results,
          // reports, errors); credentials come from passwordEnv, clientSecretEnv or certificateFile.
          '^ldaps?://[^/?#@]+([/?#].*)?$': 'must be an ldaps:// or ldap:// URL of the domain controller, with no user name or password in it (the bind password comes from "passwordEnv")',
          '^https://[^/?#@]+([/?#].*)?$': 'must be an https:// URL with no user name or password in it (the credential comes from "clientSecretEnv" or "certificateFile")',
          '^[A-Za-z_][A-Za-z0-9_]*$': 'must be the NAME of an environment variable (letters, digits, _), never the secret itself',
          '=': DN_PATTERN_PROBLEM,
          '^[0-9A-Fa-f]{40}$': 'must be a SHA-1 thumbprint (40 hex digits)',
          // Both go into the sign-in URL: a / ? # or .. there would send the request to another endpoint.
          '^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$': 'must be the tenant ID (a GUID) or a verified domain name of the tenant (e.g. contoso.onmicrosoft.com)',
          '^[A-Za-z0-9][A-Za-z0-9-]*$': 'must be the application (client) ID of the app registration (a GUID)',
          '^[A-Za-z][A-Za-z0-9-]*$': 'must be the LDAP name of an attribute (letters, digits and -), e.g. mS-DS-ConsistencyGuid or objectGUID',
        };
        add(e.instancePath, hints[(e.params as { pattern: string }).pattern] ?? `must match ${(e.params as { pattern: string }).pattern}`);
        break;
      }
      default:
        add(e.instancePath, e.message ?? 'is invalid');
    }
  }
  return problems;
}
