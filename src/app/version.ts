// The tool's version, shown in reports and --version. esbuild defines it from package.json;
// under tsx (tests) it falls back to reading package.json.
declare const __SOS_VERSION__: string | undefined;

export const toolVersion: string =
  typeof __SOS_VERSION__ !== "undefined" && __SOS_VERSION__ ? __SOS_VERSION__ : (process.env.npm_package_version ?? '0.1.0-dev');
