// AD data in VS Code's own widgets (dialogs, notifications, quick picks), which render no HTML
// but do break lines and, in quick picks, turn $(name) into an icon. A value must not add lines
// to a confirmation ("No attribute changes"), reorder it with bidi controls or show icons.
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
