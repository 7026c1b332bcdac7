// The HTML report (ARCHITECTURE section 4): the CLI, the demo and the VS Code panel use
// these names. renderReport needs Node (hashing; files are written by src/app/report-file); the rest is plain
// string building and also runs in a browser.
export { buildReportModel, renderReportBody, type ReportOptions } from './body';
export type { ReportModel } from './browser/model';
export { renderReport } from './document';
export { reportScript } from './script';
export { reportStyles } from './styles';
export { redactSummary, redactedMark } from './redact';
