// Seeds the fixture tree (test/ad/fixtures.ldif + the generated bulk users) into the Samba
// test domain over LDAPS with ldapts. Idempotent: the seed version is written on OU=Contoso
// (adminDisplayName) as the last step, and a mismatch deletes OU=Contoso and seeds again.
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client, Control } from 'ldapts';

const contosoDn = 'OU=Contoso,DC=corp,DC=contoso,DC=com';
const markerPrefix = 'fixtures-seed ';
const TREE_DELETE = '1.2.840.113556.1.4.805';

export async function adminClient(env) {
  const client = new Client({
    url: env.SOS_AD_URL,
    tlsOptions: { ca: [readFileSync(env.SOS_AD_CA_FILE)], servername: env.SOS_AD_SERVER_NAME },
    connectTimeout: 5000,
    timeout: 120_000,
  });
  await client.bind(env.SOS_AD_BIND_DN, env.SOS_AD_PASSWORD);
  return client;
}

async function currentMarker(client) {
  try {
    const { searchEntries } = await client.search(contosoDn, { scope: 'base', attributes: ['adminDisplayName'] });
    const value = searchEntries[0]?.adminDisplayName;
    return typeof value === 'string' ? value : undefined;
  } catch (err) {
    if (err?.code === 32) return undefined; // noSuchObject
    throw err;
  }
}

/** True when OU=Contoso carries a seed marker (of any version when version is omitted). */
export async function isSeeded(env, version) {
  const client = await adminClient(env);
  try {
    const marker = await currentMarker(client);
    return version === undefined ? marker?.startsWith(markerPrefix) === true : marker === markerPrefix + version;
  } finally {
    await client.unbind();
  }
}

/** Attributes AD never returns (passwords) or rewrites (objectClass gains its superclasses). */
const uncompared = new Set(['unicodepwd', 'changetype']);
const binaryAttribute = /^(mS-DS-ConsistencyGuid|objectGUID|objectSid|thumbnailPhoto|userCertificate)$/i;
const normalize = (value) => (Buffer.isBuffer(value) ? `b64:${value.toString('base64')}` : String(value).toLowerCase());

/**
 * Reads the whole OU=Contoso subtree in one paged search and compares it with the fixtures:
 * every fixture object exists with every seeded value, and nothing else is there. Returns
 * undefined when the directory holds exactly the fixture data, else what differs first
 * (a Samba reused from another folder may have been used by hand).
 */
export async function fixtureDifference(env, fixturesFile) {
  const { bulkLdif } = await import('../ad/generate-fixtures.mjs');
  const records = [...parseLdif(readFileSync(fixturesFile, 'utf8')), ...parseLdif(bulkLdif())];
  const names = new Set();
  for (const r of records) for (const name of Object.keys(r.attributes)) if (!uncompared.has(name.toLowerCase())) names.add(name);
  const client = await adminClient(env);
  try {
    let entries;
    try {
      ({ searchEntries: entries } = await client.search(contosoDn, {
        scope: 'sub',
        attributes: [...names],
        explicitBufferAttributes: [...names].filter((n) => binaryAttribute.test(n)),
        paged: { pageSize: 1000 },
      }));
    } catch (err) {
      if (err?.code === 32) return `${contosoDn} does not exist`;
      throw err;
    }
    const byDn = new Map(entries.map((e) => [e.dn.toLowerCase(), e]));
    for (const { dn, attributes } of records) {
      const entry = byDn.get(dn.toLowerCase());
      if (!entry) return `${dn} is missing`;
      for (const [name, wanted] of Object.entries(attributes)) {
        if (uncompared.has(name.toLowerCase())) continue;
        const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
        const raw = key === undefined ? [] : entry[key];
        const have = new Set((Array.isArray(raw) ? raw : [raw]).map(normalize));
        const missing = wanted.map(normalize).filter((v) => !have.has(v));
        if (missing.length > 0) return `${dn}: ${name} lacks ${missing.length} seeded value(s)`;
        // Multi-valued attributes must not have grown either (objectClass gains superclasses).
        if (name.toLowerCase() !== 'objectclass' && have.size !== new Set(wanted.map(normalize)).size) return `${dn}: ${name} has ${have.size} values, the fixtures seed ${wanted.length}`;
      }
    }
    if (entries.length !== records.length) {
      const extra = entries.find((e) => !records.some((r) => r.dn.toLowerCase() === e.dn.toLowerCase()));
      if (extra) return `${extra.dn} is not a fixture object`;
    }
    return undefined;
  } finally {
    await client.unbind();
  }
}

/**
 * Minimal LDIF reader for the seed (RFC 2849 content records with `changetype: add`):
 * comments, folded lines, `::` base64 values. The product's full reader is src/adapters/ad/ldif.
 */
export function parseLdif(text) {
  const records = [];
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n /g, '');
  for (const block of unfolded.split(/\n{2,}/)) {
    const lines = block.split('\n').filter((l) => l && !l.startsWith('#'));
    if (lines.length === 0 || (lines.length === 1 && lines[0].startsWith('version:'))) continue;
    let dn;
    const attributes = {};
    for (const l of lines) {
      if (l.startsWith('version:')) continue;
      const m = /^([^:]+)(::?)\s?(.*)$/.exec(l);
      if (!m) throw new Error(`bad LDIF line: ${l}`);
      const [, name, sep, raw] = m;
      const bytes = sep === '::' ? Buffer.from(raw, 'base64') : undefined;
      if (name.toLowerCase() === 'dn') { dn = bytes ? bytes.toString('utf8') : raw; continue; }
      if (name.toLowerCase() === 'changetype') continue;
      // Binary attributes stay bytes; base64 text (UTF-8 or unsafe) becomes a string again.
      const binary = /^(unicodePwd|mS-DS-ConsistencyGuid|objectGUID|objectSid|thumbnailPhoto|userCertificate)$/i.test(name);
      const value = bytes ? (binary ? bytes : bytes.toString('utf8')) : raw;
      (attributes[name] ??= []).push(value);
    }
    if (dn === undefined) throw new Error('LDIF record without dn');
    records.push({ dn, attributes });
  }
  return records;
}

async function deleteContoso(client) {
  try {
    await client.del(contosoDn, new Control(TREE_DELETE, { critical: true }));
  } catch (err) {
    if (err?.code === 32) return; // not there
    // No tree delete: remove the subtree deepest first.
    const { searchEntries } = await client.search(contosoDn, { scope: 'sub', attributes: ['1.1'], paged: { pageSize: 1000 } });
    const dns = searchEntries.map((e) => e.dn).sort((a, b) => b.length - a.length);
    for (const dn of dns) await client.del(dn);
  }
}

async function addAll(client, records) {
  for (const { dn, attributes } of records) {
    try {
      await client.add(dn, attributes);
    } catch (err) {
      throw new Error(`seeding ${dn} failed: ${err?.message ?? err}`, { cause: err });
    }
  }
}

/** Seeds everything; `fixturesFile` is test/ad/fixtures.ldif. */
export async function seed(env, fixturesFile, version) {
  const { bulkLdif } = await import('../ad/generate-fixtures.mjs');
  const named = parseLdif(readFileSync(fixturesFile, 'utf8'));
  const bulk = parseLdif(bulkLdif());
  const bulkUsers = bulk.filter((r) => !r.attributes.member);
  const bulkGroups = bulk.filter((r) => r.attributes.member);

  const client = await adminClient(env);
  try {
    await deleteContoso(client);
    // OU=Bulk sits in the named file; the groups there reference only named objects.
    await addAll(client, named);
    // Bulk users in parallel over a few connections (Samba's prefork model has 4 workers).
    const lanes = 4;
    const extra = await Promise.all(Array.from({ length: lanes - 1 }, () => adminClient(env)));
    const clients = [client, ...extra];
    try {
      await Promise.all(clients.map((c, lane) => addAll(c, bulkUsers.filter((_, i) => i % lanes === lane))));
    } finally {
      await Promise.all(extra.map((c) => c.unbind()));
    }
    await addAll(client, bulkGroups);
    await client.modify(contosoDn, new Change({
      operation: 'replace',
      modification: new Attribute({ type: 'adminDisplayName', values: [markerPrefix + version] }),
    }));
  } finally {
    await client.unbind();
  }
}
