export function collectMessages(dir?: string): { messages: string[]; problems: string[] };
export function bundleText(messages: string[]): string;
