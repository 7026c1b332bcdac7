// The report's CSS. Colours go through --sos-* variables whose fallbacks are a light and a
// dark palette (prefers-color-scheme); inside a VS Code webview the --vscode-* theme
// variables are defined and win. No url(), no @import: nothing is ever fetched.
/**
 * Status colours (text and badges) for light and dark backgrounds. Each meets WCAG AA for
 * text (4.5:1) on the backgrounds it is used on (test/unit/report/contrast.test.ts checks).
 * VS Code's own icon colours (testing-iconPassed, ...) are for icons and fail as text, so the
 * panel uses these too; in high-contrast themes all status text is the theme's foreground.
 */
export const statusPalette = {
  light: { ok: '#1a7f37', warn: '#8a5a00', fail: '#c21d2a', skip: '#59636e', staging: '#7040c8', link: '#0969da' },
  dark: { ok: '#3fb950', warn: '#d29922', fail: '#ff6b61', skip: '#a0a8b2', staging: '#b690fa', link: '#4493f8' },
} as const;

/** Backgrounds the palette is used on: the file's own and VS Code's default light and dark themes, plain and as table stripes. */
export const paletteBackgrounds = {
  light: ['#ffffff', '#f6f8fa', '#f8f8f8', '#f3f3f3'],
  dark: ['#0d1117', '#151b23', '#1e1e1e', '#1f1f1f', '#252526', '#181818'],
} as const;

const statusVars = (p: (typeof statusPalette)[keyof typeof statusPalette]) =>
  `--sos-ok: ${p.ok}; --sos-warn: ${p.warn}; --sos-fail: ${p.fail}; --sos-skip: ${p.skip}; --sos-staging: ${p.staging};`;

export const reportStyles = String.raw`
.sos-report, .sos-palette {
  --sos-fg: var(--vscode-foreground, #1f2328);
  --sos-bg: var(--vscode-editor-background, #ffffff);
  --sos-muted: var(--vscode-descriptionForeground, #59636e);
  --sos-border: var(--vscode-panel-border, #d1d9e0);
  --sos-surface: var(--vscode-sideBar-background, #f6f8fa);
  --sos-link: var(--vscode-textLink-foreground, ${statusPalette.light.link});
  --sos-focus: var(--vscode-focusBorder, #0969da);
  --sos-code-bg: var(--vscode-textCodeBlock-background, #eff2f5);
  --sos-highlight: var(--vscode-editor-findMatchHighlightBackground, #fff1a8);
  ${statusVars(statusPalette.light)}
}
.sos-report {
  color: var(--sos-fg);
  background: var(--sos-bg);
  font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--vscode-font-size, 14px);
  line-height: 1.45;
  padding: 0 1.25rem 1.5rem;
}
@media (prefers-color-scheme: dark) {
  .sos-report, .sos-palette {
    --sos-fg: var(--vscode-foreground, #e6edf3);
    --sos-bg: var(--vscode-editor-background, #0d1117);
    --sos-muted: var(--vscode-descriptionForeground, #9198a1);
    --sos-border: var(--vscode-panel-border, #3d444d);
    --sos-surface: var(--vscode-sideBar-background, #151b23);
    --sos-link: var(--vscode-textLink-foreground, ${statusPalette.dark.link});
    --sos-focus: var(--vscode-focusBorder, #4493f8);
    --sos-code-bg: var(--vscode-textCodeBlock-background, #262c36);
    --sos-highlight: var(--vscode-editor-findMatchHighlightBackground, #5a4a00);
    ${statusVars(statusPalette.dark)}
  }
}
/* Inside VS Code the theme kind decides, not the OS preference. */
body.vscode-light .sos-report, body.vscode-light .sos-palette { ${statusVars(statusPalette.light)} }
body.vscode-dark .sos-report, body.vscode-dark .sos-palette {
  ${statusVars(statusPalette.dark)}
  --sos-surface: var(--vscode-sideBar-background, #181818); --sos-border: var(--vscode-panel-border, #3d444d);
  --sos-code-bg: var(--vscode-textCodeBlock-background, #262c36); --sos-link: var(--vscode-textLink-foreground, ${statusPalette.dark.link});
  --sos-highlight: var(--vscode-editor-findMatchHighlightBackground, #5a4a00);
}
body.vscode-high-contrast .sos-report, body.vscode-high-contrast .sos-palette,
body.vscode-high-contrast-light .sos-report, body.vscode-high-contrast-light .sos-palette {
  --sos-surface: var(--vscode-editor-background); --sos-border: var(--vscode-contrastBorder, CanvasText);
  --sos-code-bg: var(--vscode-editor-background);
  --sos-ok: var(--vscode-foreground); --sos-warn: var(--vscode-foreground); --sos-fail: var(--vscode-foreground);
  --sos-skip: var(--vscode-foreground); --sos-staging: var(--vscode-foreground); --sos-muted: var(--vscode-foreground);
}
html, body { margin: 0; background: var(--vscode-editor-background, #ffffff); }
@media (prefers-color-scheme: dark) { html, body { background: var(--vscode-editor-background, #0d1117); } }
.sos-report *, .sos-report *::before, .sos-report *::after { box-sizing: border-box; }
.sos-report a { color: var(--sos-link); }
.sos-report :focus-visible { outline: 2px solid var(--sos-focus); outline-offset: 1px; }
.sos-report h1 { font-size: 1.4em; margin: 0; }
.sos-report h2 { font-size: 1.2em; margin: 1.25rem 0 .75rem; }
.sos-report h3 { font-size: 1.05em; margin: 1.25rem 0 .5rem; }
.sos-report h4 { font-size: 1em; margin: .9rem 0 .35rem; }
.sos-muted { color: var(--sos-muted); }
/* anywhere (not break-word): a long unbroken value (a certificate, base64) must not widen the table. */
.sos-v { white-space: pre-wrap; overflow-wrap: anywhere; }
/* Wide tables scroll sideways inside their step instead of squeezing values into slivers. */
.sos-attrs { overflow-x: auto; }
.sos-attr-table td:nth-child(n+4):nth-child(-n+6) { min-width: 12rem; }
.sos-attr-table td:nth-child(8) { min-width: 9rem; }
.sos-attr-table td:nth-child(10) { min-width: 18rem; }
.sos-attr-table td:nth-child(n+11) { min-width: 10rem; }
.sos-attr-name { min-width: 10rem; }
.sos-empty { font-style: italic; color: var(--sos-muted); }
.sos-report code { font-family: var(--vscode-editor-font-family, ui-monospace, "Cascadia Mono", Consolas, monospace); font-size: .92em; background: var(--sos-code-bg); padding: 0 .25em; border-radius: 3px; }
.sos-header { padding: 1rem 0 .75rem; border-bottom: 1px solid var(--sos-border); }
.sos-subject { margin: .25rem 0; }
.sos-subject-name { font-weight: 600; font-size: 1.1em; }
.sos-headline { margin: .35rem 0 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.sos-badge { display: inline-block; padding: 0 .55em; border-radius: 999px; font-size: .85em; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.sos-badge-success { color: var(--sos-ok); }
.sos-badge-warning { color: var(--sos-warn); }
.sos-badge-failure { color: var(--sos-fail); }
.sos-badge-skipped, .sos-badge-unknown { color: var(--sos-skip); }
.sos-badge-notrun { color: var(--sos-skip); border-style: dashed; font-weight: 400; }
.sos-decided { font-weight: 700; font-size: .85em; }
.sos-after { font-size: .85em; }
.sos-overview-item:has(.sos-after) .sos-badge { opacity: .85; border-style: dotted; }
.sos-step.sos-decisive { border-width: 2px; border-left-width: 6px; }
.sos-overview-item.sos-decisive .sos-step-name { font-weight: 700; }
.sos-step.sos-status-notrun { border-left-style: dashed; }
.sos-step.sos-status-notrun > summary { color: var(--sos-muted); }
.sos-error-skipped { border-color: var(--sos-skip); }
.sos-error-skipped h4 { color: var(--sos-fg); }
/* "Preview this object" needs the VS Code panel; the file shows the DN only. */
.sos-preview-object { display: none; }
.sos-conflict-actions { white-space: nowrap; }
/* In-page targets land below the sticky tab bar, not under it. */
.sos-report [id] { scroll-margin-top: 3.5rem; }
/* At any width the page itself never scrolls sideways: wide content scrolls in its own box. */
.sos-panel, .sos-step-body, .sos-card { min-width: 0; max-width: 100%; overflow-x: auto; }
.sos-badge-staging { color: var(--sos-staging); }
.sos-tabs { display: flex; flex-wrap: wrap; gap: .25rem; border-bottom: 1px solid var(--sos-border); margin: .75rem 0 0; position: sticky; top: 0; background: var(--sos-bg); z-index: 2; }
.sos-tab { padding: .5rem .85rem; text-decoration: none; color: var(--sos-fg) !important; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; }
.sos-tab:hover { background: var(--sos-surface); }
.sos-tab[aria-selected="true"] { border-color: var(--sos-border); background: var(--sos-bg); font-weight: 600; margin-bottom: -1px; border-bottom: 1px solid var(--sos-bg); box-shadow: inset 0 2px 0 var(--sos-focus); }
.sos-tab-count { display: inline-block; min-width: 1.4em; padding: 0 .4em; border-radius: 999px; background: var(--sos-surface); border: 1px solid var(--sos-border); font-size: .8em; text-align: center; }
.sos-tab-alert { display: inline-block; width: 1.3em; height: 1.3em; line-height: 1.3em; border-radius: 50%; background: var(--sos-fail); color: var(--sos-bg); font-size: .8em; text-align: center; font-weight: 700; }
.sos-panel { padding-top: .25rem; }
.sos-js .sos-panel-title { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.sos-panel[hidden] { display: none; }
.sos-panel:not(:last-of-type) { border-bottom: 1px dashed var(--sos-border); padding-bottom: 1rem; }
.sos-js .sos-panel { border-bottom: none; }
.sos-overview { list-style: none; padding: 0; margin: 1rem 0; display: grid; gap: .2rem; }
.sos-overview-item { display: flex; gap: .5rem; align-items: baseline; flex-wrap: wrap; }
.sos-steplink { text-decoration: none; }
.sos-steplink:hover .sos-step-name { text-decoration: underline; }
.sos-step-no { display: inline-block; min-width: 1.8em; text-align: center; font-weight: 700; border-radius: 4px; background: var(--sos-surface); border: 1px solid var(--sos-border); color: var(--sos-fg); }
.sos-step { content-visibility: auto; contain-intrinsic-size: auto 40rem; border: 1px solid var(--sos-border); border-left: 4px solid var(--sos-skip); border-radius: 6px; margin: .6rem 0; background: var(--sos-bg); }
.sos-laid-out .sos-step { content-visibility: visible; }
.sos-step.sos-status-success { border-left-color: var(--sos-ok); }
.sos-step.sos-status-warning { border-left-color: var(--sos-warn); }
.sos-step.sos-status-failure { border-left-color: var(--sos-fail); }
.sos-step > summary { cursor: pointer; padding: .5rem .75rem; display: flex; gap: .5rem; align-items: baseline; flex-wrap: wrap; }
.sos-step > summary .sos-step-name { font-weight: 600; flex: 1 1 20rem; }
.sos-step-body { padding: 0 .75rem .75rem; }
.sos-desc { margin: .25rem 0 .5rem; }
/* The key column fits its content up to 20rem: a long key (AD data) must not starve the values. */
.sos-kv { display: grid; grid-template-columns: fit-content(20rem) minmax(0, 1fr); gap: .15rem 1rem; margin: .25rem 0; }
.sos-kv > div { display: contents; }
.sos-kv dt { color: var(--sos-muted); min-width: 9rem; overflow-wrap: anywhere; }
.sos-kv dd { margin: 0; overflow-wrap: anywhere; }
/* A narrow panel (beside an editor) stacks each key over its value instead of squeezing the value to a sliver. */
@media (max-width: 36rem) {
  .sos-kv { grid-template-columns: minmax(0, 1fr); }
  .sos-kv dt { min-width: 0; font-weight: 600; }
  .sos-kv dd { margin-bottom: .35rem; }
  .sos-report { padding: 0 .5rem 1rem; }
}
.sos-error { border: 1px solid var(--sos-fail); border-left-width: 4px; border-radius: 6px; padding: .25rem .75rem .5rem; margin: .75rem 0; }
.sos-error h4 { color: var(--sos-fail); }
.sos-error-warning { border-color: var(--sos-warn); }
.sos-error-warning h4 { color: var(--sos-warn); }
.sos-ok { border: 1px solid var(--sos-ok); border-left-width: 4px; border-radius: 6px; padding: .6rem .75rem; margin: 1rem 0; }
.sos-warn { border: 1px solid var(--sos-warn); border-left-width: 4px; border-radius: 6px; padding: .6rem .75rem; }
.sos-table { border-collapse: collapse; width: 100%; margin: .35rem 0 .75rem; font-size: .95em; }
.sos-table caption { text-align: left; color: var(--sos-muted); padding: .25rem 0; caption-side: top; }
.sos-table th, .sos-table td { border: 1px solid var(--sos-border); padding: .3rem .45rem; text-align: left; vertical-align: top; }
.sos-table thead th { background: var(--sos-surface); white-space: nowrap; }
.sos-table tbody th { font-weight: 600; }
.sos-table tbody tr:nth-child(even) { background: color-mix(in srgb, var(--sos-surface) 60%, transparent); }
.sos-sort { all: inherit; cursor: pointer; border: none; padding: 0; background: none; font-weight: 600; }
.sos-sort::after { content: ""; margin-left: .35em; color: var(--sos-muted); }
th[aria-sort="ascending"] .sos-sort::after { content: "\25B2"; }
th[aria-sort="descending"] .sos-sort::after { content: "\25BC"; }
.sos-op-add > th:first-child { box-shadow: inset 3px 0 0 var(--sos-ok); }
.sos-op-update > th:first-child { box-shadow: inset 3px 0 0 var(--sos-warn); }
.sos-op-delete > th:first-child { box-shadow: inset 3px 0 0 var(--sos-fail); }
.sos-op-none { color: var(--sos-muted); }
.sos-not-exportable { outline: 1px dashed var(--sos-warn); outline-offset: -1px; }
.sos-report tr.sos-highlight, .sos-report tr:target { background: var(--sos-highlight) !important; outline: 2px solid var(--sos-focus); outline-offset: -2px; }
.sos-values { margin: 0; padding-left: 1.1em; }
.sos-count-label { display: block; color: var(--sos-muted); font-size: .85em; }
.sos-many > summary, .sos-long > summary, .sos-more > summary { cursor: pointer; color: var(--sos-link); }
.sos-more { margin: 1rem 0; }
.sos-added { color: var(--sos-ok); }
.sos-removed { color: var(--sos-fail); text-decoration: line-through; }
.sos-sign { font-weight: 700; margin-right: .25em; text-decoration: none; display: inline-block; }
.sos-tools { display: flex; gap: .75rem; align-items: center; margin: .5rem 0 .25rem; }
.sos-tools[hidden] { display: none; }
.sos-filter { font: inherit; color: var(--vscode-input-foreground, var(--sos-fg)); background: var(--vscode-input-background, var(--sos-bg)); border: 1px solid var(--vscode-input-border, var(--sos-border)); border-radius: 4px; padding: .2rem .4rem; min-width: min(16rem, 60vw); margin-left: .4rem; }
.sos-card { border: 1px solid var(--sos-border); border-radius: 6px; padding: 0 .9rem .6rem; margin: .75rem 0; }
.sos-footer { margin-top: 1.5rem; padding-top: .75rem; border-top: 1px solid var(--sos-border); font-size: .9em; }
.sos-problem-steps > li { margin-bottom: .5rem; }
@media (forced-colors: active) {
  .sos-tab[aria-selected="true"] { border-bottom: 3px solid Highlight; }
  .sos-report tr.sos-highlight, .sos-report tr:target { outline: 3px solid Highlight; }
  .sos-tab-alert { border: 1px solid CanvasText; }
}
@media print {
  .sos-report { padding: 0; font-size: 10pt; --sos-bg: #fff; --sos-fg: #000; --sos-surface: #f2f2f2; --sos-border: #999; --sos-link: #000; }
  .sos-tabs, .sos-tools, .sos-sort::after { display: none !important; }
  .sos-panel, .sos-panel[hidden] { display: block !important; break-before: page; }
  .sos-panel:first-of-type { break-before: auto; }
  .sos-step { content-visibility: visible; }
  .sos-js .sos-panel-title { position: static; width: auto; height: auto; clip: auto; }
  .sos-table tr { break-inside: avoid; }
  .sos-report details > summary { list-style: none; }
  .sos-report details::details-content { content-visibility: visible; display: contents; }
  .sos-report tr[hidden] { display: table-row !important; }
}
`;
