// The standalone report: one self-contained .htm file. Its Content-Security-Policy allows
// exactly the report's own <style> and <script> (by SHA-256 hash) and nothing else: no
// network, no other script, no inline style attribute, even if escaping ever failed.
import { createHash } from 'node:crypto';
import type { ProvisioningObjectSummary } from '../engine/summary/types';
import { prepareSummary, renderPreparedBody, type ReportOptions } from './body';
import { html } from './html';
import { reportScript } from './script';
import { reportStyles } from './styles';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
// Computed once: the style and script are constants.
const contentSecurityPolicy = [
  "default-src 'none'",
  `style-src ${sha256(reportStyles)}`,
  `script-src ${sha256(reportScript)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function renderReport(summary: ProvisioningObjectSummary, options: ReportOptions): string {
  const generatedAt = options.generatedAt ?? new Date();
  const withTime = { ...options, generatedAt };
  const safe = prepareSummary(summary, withTime);
  const title = `Single Object Sync - ${safe.sourceIdentity?.displayName || safe.id} - ${safe.provisioningStatusInfo.status}`;
  const body = renderPreparedBody(safe, withTime);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
${html`<meta name="generator" content="Single Object Sync ${options.toolVersion}">
<title>${title}</title>`}
<style>${reportStyles}</style>
</head>
<body>
${body}
<script>${reportScript}</script>
</body>
</html>
`;
}
