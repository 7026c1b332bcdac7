// A self-contained HTML document: one inline style and one inline script, each allowed by
// its hash in a strict Content-Security-Policy (nothing else loads or runs). Both the
// single-object report and the batch report are built with it.
import { createHash } from 'node:crypto';
import { html, type SafeHtml } from './html';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy for a document whose only style and script are these constants. */
export function hashPolicy(styles: string, script: string): string {
  return ["default-src 'none'", `style-src ${sha256(styles)}`, `script-src ${sha256(script)}`, "base-uri 'none'", "form-action 'none'"].join('; ');
}

export function standaloneDocument(parts: { title: string; toolVersion: string; styles: string; script: string; policy: string; body: SafeHtml | string; colorScheme?: boolean }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${parts.policy}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
${parts.colorScheme ? '<meta name="color-scheme" content="light dark">\n' : ''}${html`<meta name="generator" content="Single Object Sync ${parts.toolVersion}">
<title>${parts.title}</title>`}
<style>${parts.styles}</style>
</head>
<body>
${parts.body}
<script>${parts.script}</script>
</body>
</html>
`;
}
