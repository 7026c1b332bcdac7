// The bundled standalone report script (scripts/build.mjs writes report-script.bundle.js).
export declare const reportScript: string;
