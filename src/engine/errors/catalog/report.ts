import type { CatalogEntry } from '../sync-error';

const reportDocs = 'https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-single-object-sync';

/** Errors raised while rendering the HTML report (src/report); writing it is the app's (src/app/errors.ts). */
export const reportErrors = {
  InvalidReportInput: {
    code: 'InvalidReportInput',
    reason: 'The sync result cannot be rendered as a report: {problem}.',
    recommendedAction: 'Pass the provisioningObjectSummary produced by the sync engine, unchanged (a JSON result file must hold the whole object).',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
  InvalidRedactionList: {
    code: 'InvalidRedactionList',
    reason: 'The list of attributes to redact is invalid: {problem}.',
    recommendedAction: 'Give attribute names as non-empty strings, for example --redact mail,telephoneNumber or "redactAttributes": ["mail"] in the configuration.',
    documentationUrl: reportDocs,
    category: 'nonServiceFailure',
    remedy: 'none',
  },
} as const satisfies Record<string, CatalogEntry>;
