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
  OutputPathUnusable: {
    code: 'OutputPathUnusable',
    reason: 'The JSON result could not be written to {file}: {cause}. Nothing was synchronized.',
    recommendedAction: 'Give --output the path of a file (not a folder) in an existing folder this account may write, or leave --output out: the result is printed on stdout.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  ResultTooLarge: {
    code: 'ResultTooLarge',
    reason: 'The result could not be written as JSON: it holds more text than one JSON document can ({cause}). The attribute holding the most is {attribute}: {count} value(s), {length} characters in all; a single value of megabytes is far more than Active Directory allows most attributes, so the directory data may be damaged or hostile.',
    recommendedAction: 'Look at {attribute} on the object in Active Directory: correct or clear a value that is damaged, or reduce the values, then run the sync again. The HTML report (unless --no-html-report) shows the object with long values cut.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
