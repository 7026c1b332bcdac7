// AD data in VS Code's own widgets (dialogs, notifications, quick picks), which render no HTML
// but do break lines and, in quick picks, turn $(name) into an icon. A value must not add lines
// to a confirmation ("No attribute changes"), reorder it with bidi controls or show icons; in
// notifications and input boxes it must not become a link (linkFree).
import { showInvisible } from '../../report/html';

const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/g;

/** One line: invisible characters and line breaks shown as visible escapes (\u000A). */
export function oneLine(text: string): string {
  return showInvisible(text).replace(LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** For a quick pick's label, description or detail: one line, and $( kept as text, not an icon. */
export function quickPickText(text: string): string {
  return oneLine(text).replace(/\$\(/g, '\\$(');
}

/**
 * VS Code turns `[label](https://…|http://…|command:…|file:…)` into a link in notifications,
 * progress notifications, input box prompts and validation messages, and opens it with commands
 * allowed (src/vs/base/common/linkedText.ts): a DN, a server's answer or a configuration value
 * could put a command link one click from running. Its "](" is shown as "]\u0028": text, no link.
 */
export function linkFree(text: string): string {
  return text.replace(/\]\((?=https?:\/\/|command:|file:)/gi, ']\\u0028');
}
