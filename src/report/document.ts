// The standalone report: one self-contained .htm file. Its Content-Security-Policy allows
// exactly the report's own <style> and <script> (by SHA-256 hash) and nothing else: no
// network, no other script, no inline style attribute, even if escaping ever failed.
import type { ProvisioningObjectSummary } from '../engine/summary/types';
import { buildReportModel, type ReportOptions } from './body';
import { reportView } from './browser/model';
import { reportScript } from './script';
import { hashPolicy, standaloneDocument } from './standalone';
import { reportStyles } from './styles';

// Computed once: the style and script are constants.
const contentSecurityPolicy = hashPolicy(reportStyles, reportScript);

export function renderReport(summary: ProvisioningObjectSummary, options: ReportOptions): string {
  const generatedAt = options.generatedAt ?? new Date();
  const withTime = { ...options, generatedAt };
  const model = buildReportModel(summary, withTime);
  const title = `Single Object Sync \u00b7 ${model.title}`;
  const body = reportView(model).value;
  return standaloneDocument({ title, toolVersion: options.toolVersion, styles: reportStyles, script: reportScript, policy: contentSecurityPolicy, body, colorScheme: true });
}
