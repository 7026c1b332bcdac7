// The app's own errors: what goes wrong writing the files a run produces (the report and the
// --output copy of the result), which the engine never does. Same shape as the engine's catalog.
import type { CatalogEntry } from '../engine/errors/sync-error';

const reportDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-single-object-sync';

export const appErrors = {
  ReportFolderNotWritable: {
    code: 'ReportFolderNotWritable',
    reason: 'The HTML report could not be written to {reportDir}: {cause}.',
    recommendedAction: 'Choose a report folder that exists or can be created and that this account may write to (CLI --report-dir, configuration "reportDir"), or skip the report with --no-html-report.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  OutputNotWritable: {
    code: 'OutputNotWritable',
    reason: 'The JSON result could not be written to {file}: {cause}.',
    recommendedAction: 'The result was printed on stdout. Give --output a path in an existing folder this account may write.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
