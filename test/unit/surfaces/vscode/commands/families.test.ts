// The manifest and the code name the same commands: every command package.json contributes
// (contributes.commands, menus, keybindings, view welcome links) is registered by one family
// of src/surfaces/vscode/commands/, and every command a family registers is declared. A
// declared command nobody registers fails with "command not found" only when clicked; an
// undeclared one has no title in the palette or menus.
//
// The families are loaded without VS Code and registered through the ctx activate() uses
// (createCtx, registerCommands), with `vscode` standing for nothing but a recording
// commands.registerCommand: loading a family or running its factories touches no other API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../../../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command?: string }[]>;
    keybindings?: { command: string }[];
    viewsWelcome?: { contents: string }[];
  };
};

type Families = typeof import('../../../../../src/surfaces/vscode/commands');
type CtxModule = typeof import('../../../../../src/surfaces/vscode/ctx');

/** The ids registered when activate()'s ctx registers every family. */
function registeredIds(): string[] {
  const ids: string[] = [];
  const vscode = Object.freeze({
    commands: Object.freeze({
      registerCommand: (id: string) => {
        ids.push(id);
        return { dispose() {} };
      },
    }),
  });
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    // Synchronously, while `vscode` is the recorder (an import would be hoisted above this).
    const requireHere = Module.createRequire(__filename);
    const { commandFamilies } = requireHere('../../../../../src/surfaces/vscode/commands') as Families;
    const { createCtx } = requireHere('../../../../../src/surfaces/vscode/ctx') as CtxModule;
    const ctx = createCtx({ extension: { subscriptions: [] } } as unknown as Parameters<typeof createCtx>[0]);
    for (const family of commandFamilies) ctx.registerCommands(family);
  } finally {
    loader._load = load;
  }
  return ids;
}

const declared = manifest.contributes.commands.map((c) => c.command);

test('every command package.json declares is registered by a family, and every registered one is declared', () => {
  const registered = registeredIds();
  assert.ok(registered.length >= 20, `the families register the extension's commands (${registered.length})`);
  assert.deepEqual(registered.filter((id, i) => registered.indexOf(id) !== i), [], 'no command is registered twice (VS Code would refuse the second)');
  assert.deepEqual(declared.filter((id) => !registered.includes(id)), [], 'declared in package.json but registered by no family');
  assert.deepEqual(registered.filter((id) => !declared.includes(id)), [], 'registered by a family but not declared in package.json');
});

test('every command the manifest refers to (menus, keybindings, welcome links) is one it declares', () => {
  const c = manifest.contributes;
  const referred = [
    ...Object.values(c.menus).flatMap((items) => items.map((m) => m.command).filter((id): id is string => typeof id === 'string')),
    ...(c.keybindings ?? []).map((k) => k.command),
    ...(c.viewsWelcome ?? []).flatMap((w) => [...w.contents.matchAll(/\(command:(singleObjectSync\.[\w.]+)/g)].map((m) => m[1]!)),
  ].filter((id) => id.startsWith('singleObjectSync.'));
  assert.ok(referred.length > 0);
  assert.deepEqual([...new Set(referred.filter((id) => !declared.includes(id)))], [], 'referred to but not declared');
});
