export function collectMessages(dir?: string): { messages: string[]; problems: string[] };
export function bundleText(messages: string[]): string;
export function externalizeManifest(manifest: Record<string, any>, nls: Record<string, string>): string[];
