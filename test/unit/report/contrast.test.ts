// WCAG 2.x contrast of the report's status colours (Success, Warning, Failure, Skipped, Staging,
// links) against every background they are shown on, light and dark: text needs 4.5:1 (AA).
// The formula is WCAG's: relative luminance of sRGB, (L1 + 0.05) / (L2 + 0.05).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paletteBackgrounds, reportStyles, statusPalette } from '../../../src/report/styles';
import { contrast } from './wcag';

test('the contrast formula gives WCAG reference values', () => {
  assert.equal(Math.round(contrast('#000000', '#ffffff') * 100) / 100, 21);
  assert.equal(Math.round(contrast('#767676', '#ffffff') * 100) / 100, 4.54);
  assert.equal(contrast('#123456', '#123456'), 1);
});

for (const theme of ['light', 'dark'] as const) {
  test(`every ${theme} status colour reaches 4.5:1 on every ${theme} background`, () => {
    const failures: string[] = [];
    for (const [name, colour] of Object.entries(statusPalette[theme])) {
      for (const background of paletteBackgrounds[theme]) {
        const ratio = contrast(colour, background);
        if (ratio < 4.5) failures.push(`${name} ${colour} on ${background}: ${ratio.toFixed(2)}:1`);
      }
    }
    assert.deepEqual(failures, []);
  });
}

test('the stylesheet uses the palette, not VS Code icon colours, for status text', () => {
  for (const theme of ['light', 'dark'] as const) for (const colour of Object.values(statusPalette[theme])) assert.ok(reportStyles.includes(colour), colour);
  assert.doesNotMatch(reportStyles, /--sos-(ok|warn|fail|skip):\s*var\(--vscode-(testing|editorWarning|errorForeground|disabledForeground)/);
  // High-contrast themes: all status text in the theme's foreground (the theme guarantees its contrast).
  assert.match(reportStyles, /body\.vscode-high-contrast \.sos-report[\s\S]*?--sos-ok: var\(--vscode-foreground\)/);
});
