// Directory extensions (extension_<appId>_<name>, registered on an app such as Entra Connect's
// Tenant Schema Extension App): Graph v1.0 writes and reads them as top-level user and group
// properties of that name; an extension not registered in the tenant is refused with 400.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planExport, toConnectorSpace } from '../../../../src/adapters/entra/graph/attribute-map';
import { SyncError } from '../../../../src/engine/errors';
import { startEmulator } from '../../../graph-emulator/index';

const company = 'extension_0123456789abcdef0123456789abcdef_company';
const unknown = 'extension_0123456789abcdef0123456789abcdef_notRegistered';

test('planExport maps a directory extension to the Graph property of the same name, for users and groups', () => {
  const user = planExport('user', { [company]: ['Contoso'], extension_0123456789abcdef0123456789abcdef_codes: ['a', 'b'] });
  assert.deepEqual(user.properties, { [company]: 'Contoso', extension_0123456789abcdef0123456789abcdef_codes: ['a', 'b'] });
  assert.deepEqual(user.notExportable, []);
  assert.deepEqual(planExport('user', { [company]: null }).properties, { [company]: null });
  assert.deepEqual(planExport('group', { [company]: ['Contoso'] }).properties, { [company]: 'Contoso' });
  // Not an extension name (31 hex characters): still reported, never dropped.
  const near = planExport('user', { extension_0123456789abcdef0123456789abcde_company: ['x'] });
  assert.deepEqual(near.notExportable.map((n) => [n.attribute, n.kind]), [['extension_0123456789abcdef0123456789abcde_company', 'noGraphProperty']]);
  // orgContact stays read-only.
  assert.equal(planExport('contact', { [company]: ['x'] }).notExportable[0]?.kind, 'readOnlyObject');
});

test('toConnectorSpace reads a selected directory extension back under its name', () => {
  const attributes = toConnectorSpace({ kind: 'user', id: 'u1', properties: { displayName: 'Kim', [company]: 'Contoso' } });
  assert.deepEqual(attributes[company], ['Contoso']);
});

test('the emulator and the Graph target: a registered extension is written and read back; an unregistered one is refused', async () => {
  const emu = await startEmulator({
    seed: {
      extensionProperties: [
        { name: company, targetObjectTypes: ['User', 'Group'], dataType: 'String', isMultiValued: false },
      ],
    },
  });
  const { createEntraTarget } = await import('../../../../src/adapters/entra/index');
  const t = createEntraTarget({ tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile }, emu.clientSecret);
  try {
    const anchor = Buffer.from(new Uint8Array(16).fill(9)).toString('base64');
    const plan = t.planExport('user', {
      accountEnabled: [true], alias: ['kim'], displayName: ['Kim Ray'], userPrincipalName: ['kim@contoso.com'], sourceAnchor: [new Uint8Array(16).fill(9)], [company]: ['Contoso'],
    });
    const created = await t.create('user', plan.properties);
    assert.equal(emu.state().users.find((u) => u.id === created.id)?.[company], 'Contoso');

    // A later read selects the extension the rules flowed, so the export can be compared.
    const read = await t.findByImmutableId('user', anchor);
    assert.equal(read?.properties[company], 'Contoso');
    assert.deepEqual(t.toConnectorSpace(read!)[company], ['Contoso']);
    assert.ok(t.readableAttributes('user').includes(company));

    // Graph refuses a write naming an extension no app registered; the user keeps its values.
    const refused = t.planExport('user', { [unknown]: ['x'], department: ['Sales'] });
    await assert.rejects(t.update('user', created.id, refused.properties), (err: unknown) => {
      assert.ok(err instanceof SyncError);
      // Named, with the extension to register and where, not a generic validation failure.
      assert.equal(err.code, 'DirectoryExtensionNotRegistered');
      assert.ok(err.reason.includes(unknown), err.reason);
      assert.match(err.recommendedAction, /Directory extension attribute sync/);
      assert.equal(err.remedy, 'configuration');
      assert.match(JSON.stringify(err.details), new RegExp(`Property '${unknown}' does not exist as a declared property or extension property`));
      return true;
    });
    const after = emu.state().users.find((u) => u.id === created.id)!;
    assert.equal(after.department, undefined);
    assert.equal(after[unknown], undefined);
  } finally {
    await t.close();
    await emu.close();
  }
});

test('an extension registered for groups only is refused on a user, and later reads still work', async () => {
  const emu = await startEmulator({ seed: { extensionProperties: [{ name: company, targetObjectTypes: ['Group'] }] } });
  const { createEntraTarget } = await import('../../../../src/adapters/entra/index');
  const t = createEntraTarget({ tenantId: emu.tenantId, clientId: emu.clientId, authorityHost: emu.authorityHost, graphEndpoint: emu.graphEndpoint, caFile: emu.caFile }, emu.clientSecret);
  try {
    // Registered for groups only: a user write naming it is refused too.
    const plan = t.planExport('user', { accountEnabled: [true], alias: ['lee'], displayName: ['Lee'], userPrincipalName: ['lee@contoso.com'], [company]: ['x'] });
    await assert.rejects(t.create('user', plan.properties), (err: unknown) => err instanceof SyncError && err.code === 'DirectoryExtensionNotRegistered' && err.reason.includes(company));
    assert.equal(emu.state().users.some((u) => u.userPrincipalName === 'lee@contoso.com'), false);
    // A refused name is not selected by later reads (Graph would refuse the whole read).
    assert.equal(await t.findByImmutableId('user', 'AAAA'), null);
    assert.equal(t.readableAttributes('user').includes(company), false);
  } finally {
    await t.close();
    await emu.close();
  }
});
