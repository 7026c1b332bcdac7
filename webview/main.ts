// Report panel script (filled in by the extension issue).
export {};
