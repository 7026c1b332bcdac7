// The report panel as an identity engineer uses it (issue 15, items 4, 8 and 10): each result
// its own panel titled "<name> · Preview · <result>", a failure opening on Troubleshooting &
// Recommendation with an alert on that tab, the closest existing parent and a "did you mean"
// for a DN with a typo, and the panel readable and usable in a dark and a high-contrast theme
// in a 900-px-wide window (the harness checks contrast, sideways scroll and control names in
// the real webview, and keeps screenshots in test/artifacts/vscode).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { checkpoint, eventually, readSuiteConfig } from './support';

const reportTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('singleObjectSync.report'));

export function definePanelSuite(): void {
  const config = readSuiteConfig();
  const page: (title: string, fn: () => Promise<void>) => void = (title, fn) => (config.harness !== false && config.mode !== 'smoke' ? it : it.skip)(title, fn);
  // A one-letter typo of the preview user: AD has no such object, but Alice Wu is its sibling.
  const typo = config.dns.previewUser.replace(/^CN=Alice Wu,/, 'CN=Alice Wo,');
  const sales = config.dns.previewUser.replace(/^CN=Alice Wu,/, '');
  const workbench = () => vscode.workspace.getConfiguration('workbench');
  let themeBefore: unknown;

  describe('The report panel', () => {
    before(() => {
      themeBefore = workbench().inspect('colorTheme')?.globalValue;
    });
    after(async () => {
      await workbench().update('colorTheme', themeBefore, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.view.extension.singleObjectSync');
      // The harness then reloads the window and expects the suite to end on the preview user's result.
      if (config.harness !== false && config.mode !== 'smoke') {
        await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', config.dns.previewUser, { stagingMode: true });
        await eventually('the preview user\'s panel', () => reportTabs().find((t) => /^Alice Wu \u00b7 Preview \u00b7 /.test(t.label)));
      }
    });

    page('a failed preview opens its own panel on Troubleshooting with an alert, naming the closest parent and a near sibling', async () => {
      const before = reportTabs().length;
      await vscode.commands.executeCommand('singleObjectSync.syncByDistinguishedName', typo, { stagingMode: true });
      const tab = await eventually('a panel titled by the failed preview', () => reportTabs().find((t) => t.label === 'Alice Wo \u00b7 Preview \u00b7 Failure'));
      assert.ok(tab, 'the panel is titled by the object, the mode and the result');
      if (before > 0) assert.equal(reportTabs().length, before + 1, 'the earlier result keeps its own panel');
      const answer = await checkpoint('panel-failure', {
        exportOffered: false, // a failed preview offers no Run With Export
        expect: {
          selectedTab: 'troubleshooting',
          title: 'Alice Wo \u00b7 Preview \u00b7 Failure',
          alert: 'Failure',
          text: ['NoSuchObject', `The closest existing parent is ${sales}.`, `Did you mean ${config.dns.previewUser}?`],
          accessible: true,
        },
      });
      assert.deepEqual(answer.problems, []);
    });

    for (const [theme, name] of [['Default Dark Modern', 'dark'], ['Default High Contrast', 'high-contrast']] as const) {
      page(`in ${theme} at 900 px the panel has no sideways scroll, readable status colours and named controls`, async () => {
        await workbench().update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        // Nothing else on screen: no open prompt, no side bar; the panel beside the JSON document.
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        await vscode.commands.executeCommand('workbench.action.closeSidebar');
        await new Promise((resolve) => setTimeout(resolve, 1500)); // the webview gets the theme's variables
        const answer = await checkpoint(`panel-${name}-900`, { viewportWidth: 900, expect: { title: 'Alice Wo \u00b7 Preview \u00b7 Failure', selectedTab: 'troubleshooting', accessible: true } });
        assert.deepEqual(answer.problems, []);
      });
    }
  });
}
