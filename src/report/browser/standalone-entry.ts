// The standalone .htm file's script (bundled by scripts/build.mjs into report-script.bundle.js
// and inlined by src/report/script.ts): upgrades every report on the page.
import { initReport } from './report-script';

function initAll(): void {
  document.querySelectorAll<HTMLElement>('.sos-report').forEach((root) => initReport(root, { useHash: true }));
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', initAll);
else initAll();
