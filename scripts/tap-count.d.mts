export function countTap(tap: string): { passed: number; failed: number; skipped: number };
