// Save Support Bundle…: one zip, named like the report (ADSyncSingleObjectSyncResult-
// yyyyMMdd-HHmmss.zip), holding the result's JSON, the standalone HTML report and the
// configuration, all with the redaction setting applied and no secret in them.
import JSZip from 'jszip';
import { decodeText } from '../../../adapters/io/decode-text';
import { READ_LIMITS, readFileBounded } from '../../../adapters/io/read-bounded';
import { reportFileName } from '../../../app/report-file';
import type { ProvisioningObjectSummary } from '../../../engine/summary/types';
import { renderReport } from '../../../report/document';
import { redactSummary } from '../../../report/redact';

/** Keys whose values are secrets (or point at key material) in any configuration we are shown. */
const secretKey = /(password|passwd|secret|token|privatekey|credential|apikey|passphrase)/i;
/** Names of environment variables are not secrets: the bundle says which variable was used. */
const envNameKey = /Env$/;

export function redactConfiguration(value: unknown, redactAttributes: readonly string[]): unknown {
  const names = new Set(redactAttributes.map((n) => n.toLowerCase()));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(v as Record<string, unknown>)) {
      if (secretKey.test(key) && !envNameKey.test(key) && inner !== null && typeof inner !== 'boolean') out[key] = '[removed]';
      else if (names.has(key.toLowerCase()) && typeof inner === 'string') out[key] = '[redacted]';
      else out[key] = walk(inner);
    }
    return out;
  };
  return walk(value);
}

export function bundleName(summary: ProvisioningObjectSummary): string {
  const activity = new Date(summary.activityDateTime);
  return reportFileName(Number.isNaN(activity.getTime()) ? new Date() : activity).replace(/\.htm$/, '.zip');
}

export async function supportBundle(summary: ProvisioningObjectSummary, options: { configPath?: string; redactAttributes: readonly string[]; toolVersion: string }): Promise<Uint8Array> {
  const base = bundleName(summary).replace(/\.zip$/, '');
  const redacted = redactSummary(summary, options.redactAttributes);
  const zip = new JSZip();
  zip.file(`${base}.json`, `${JSON.stringify(redacted, null, 2)}\n`);
  zip.file(`${base}.htm`, renderReport(summary, { redactAttributes: [...options.redactAttributes], toolVersion: options.toolVersion, generatedAt: new Date() }));
  if (options.configPath) {
    let configuration: unknown;
    try {
      // As the tool reads it: UTF-8 with or without a byte-order mark, or UTF-16 with one; bounded
      // (the file may have been replaced by a device or a pipe since the session loaded it).
      configuration = redactConfiguration(JSON.parse(decodeText(await readFileBounded(options.configPath, READ_LIMITS.configuration))), options.redactAttributes);
    } catch (error) {
      configuration = { note: `The configuration could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
    zip.file('single-object-sync.redacted.json', `${JSON.stringify(configuration, null, 2)}\n`);
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
