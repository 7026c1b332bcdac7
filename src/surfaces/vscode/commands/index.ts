// Every family of commands, as activate() registers them (ctx.registerCommands). The unit test
// test/unit/surfaces/vscode/commands/families.test.ts holds their names to package.json.
import type { CommandFamily } from '../ctx';
import { configurationCommands } from './configuration';
import { containerPreviewCommands } from './container-preview';
import { findCommands } from './find';
import { resultCommands } from './results';
import { syncCommands } from './sync';
import { treeCommands } from './tree';

export const commandFamilies: readonly CommandFamily[] = [syncCommands, treeCommands, findCommands, configurationCommands, resultCommands, containerPreviewCommands];
