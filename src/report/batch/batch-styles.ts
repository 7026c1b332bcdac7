// The batch report's CSS: the single report's palette (light and dark), no url(), no @import.
export const batchReportStyles = String.raw`
:root { color-scheme: light dark; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 14px; line-height: 1.45; margin: 0; padding: 0 1.25rem 1.5rem; color: #1f2328; background: #ffffff; }
a { color: #0969da; }
h1 { font-size: 1.4rem; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
.sos-muted { color: #59636e; }
.sos-counts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.sos-counts table, .sos-batch table { border-collapse: collapse; }
th, td { border: 1px solid #d1d9e0; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
thead button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \25B2"; }
th[aria-sort="descending"] button::after { content: " \25BC"; }
.sos-tools { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: 0.75rem 0; }
.sos-status-success { color: #1a7f37; }
.sos-status-warning { color: #9a6700; }
.sos-status-failure { color: #cf222e; font-weight: 600; }
.sos-status-skipped { color: #6e7781; }
.sos-delete { color: #cf222e; font-weight: 600; }
.sos-alert { border: 2px solid #cf222e; padding: 0.5rem 0.75rem; margin: 0.75rem 0; }
.sos-ok { border: 1px solid #1a7f37; padding: 0.5rem 0.75rem; margin: 0.75rem 0; }
.sos-dn { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: 0.9em; word-break: break-all; }
pre { white-space: pre-wrap; margin: 0; font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: 0.85em; }
@media (prefers-color-scheme: dark) {
  body { color: #e6edf3; background: #0d1117; }
  a { color: #4493f8; }
  .sos-muted { color: #9198a1; }
  th, td { border-color: #3d444d; }
  thead th { background: #151b23; }
  .sos-status-success { color: #3fb950; }
  .sos-status-warning { color: #d29922; }
  .sos-status-failure, .sos-delete { color: #f85149; }
}
`;
