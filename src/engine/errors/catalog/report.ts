import type { CatalogEntry } from '../sync-error';

const reportDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-single-object-sync';

/** Errors raised while rendering or writing the HTML report (src/report). */
export const reportErrors = {
  InvalidReportInput: {
    code: 'InvalidReportInput',
    reason: 'The sync result cannot be rendered as a report: {problem}.',
    recommendedAction: 'Pass the provisioningObjectSummary produced by the sync engine, unchanged (a JSON result file must hold the whole object).',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
  },
  InvalidRedactionList: {
    code: 'InvalidRedactionList',
    reason: 'The list of attributes to redact is invalid: {problem}.',
    recommendedAction: 'Give attribute names as non-empty strings, for example --redact mail,telephoneNumber or "redactAttributes": ["mail"] in the configuration.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
  },
  ReportFolderNotWritable: {
    code: 'ReportFolderNotWritable',
    reason: 'The HTML report could not be written to {reportDir}: {cause}.',
    recommendedAction: 'Choose a report folder that exists or can be created and that this account may write to (CLI --report-dir, configuration "reportDir"), or skip the report with --no-html-report.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
  },
  OutputNotWritable: {
    code: 'OutputNotWritable',
    reason: 'The JSON result could not be written to {file}: {cause}.',
    recommendedAction: 'The result was printed on stdout. Give --output a path in an existing folder this account may write.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
  },
} as const satisfies Record<string, CatalogEntry>;
