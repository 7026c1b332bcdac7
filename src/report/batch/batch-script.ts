// The batch report's behaviour, plain browser JavaScript inlined in the .htm (allowed by its
// CSP hash): sortable columns (click a header; again to reverse) and a filter box plus a
// status filter. No eval, no innerHTML: it only reorders and hides rows the renderer built
// from escaped text.
export const batchReportScript = String.raw`(function () {
  'use strict';
  var doc = document;
  var table = doc.getElementById('sos-batch-table');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = doc.getElementById('sos-batch-filter');
  var status = doc.getElementById('sos-batch-status');
  var shown = doc.getElementById('sos-batch-shown');
  var headers = Array.prototype.slice.call(table.querySelectorAll('thead button[data-col]'));
  var state = { col: -1, dir: 1 };

  function cellKey(row, col, type) {
    var cell = row.cells[col];
    var raw = cell ? (cell.getAttribute('data-sort') !== null ? cell.getAttribute('data-sort') : cell.textContent) : '';
    return type === 'number' ? Number(raw) : String(raw).toLowerCase();
  }

  function sortBy(col, type) {
    state.dir = state.col === col ? -state.dir : 1;
    state.col = col;
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellKey(a, col, type), y = cellKey(b, col, type);
      if (x < y) return -state.dir;
      if (x > y) return state.dir;
      return Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index'));
    });
    sorted.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (h) {
      var th = h.parentNode;
      if (Number(h.getAttribute('data-col')) === col) th.setAttribute('aria-sort', state.dir === 1 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }

  function applyFilter() {
    var q = filter ? filter.value.trim().toLowerCase() : '';
    var s = status ? status.value : '';
    var count = 0;
    rows.forEach(function (row) {
      var ok = (!s || row.getAttribute('data-status') === s) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) count++;
    });
    if (shown) shown.textContent = count + ' of ' + rows.length + ' shown';
  }

  headers.forEach(function (h) {
    h.addEventListener('click', function () { sortBy(Number(h.getAttribute('data-col')), h.getAttribute('data-type')); });
  });
  if (filter) filter.addEventListener('input', applyFilter);
  if (status) status.addEventListener('change', applyFilter);
  applyFilter();
})();
`;
