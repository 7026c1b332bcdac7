// The report's behaviour, as plain browser JavaScript text: it is inlined in the .htm file
// (allowed by its CSP hash) and loaded by the VS Code panel (by nonce). It upgrades the
// markup of renderReportBody: tab bar -> ARIA tabs (arrows, Home, End), attribute tables
// -> filter box and sortable columns, in-page links -> show the target's tab, open it,
// highlight it. Without it the page still shows every panel. No eval, no innerHTML: it
// only moves and hides elements that the renderer built from escaped text.
export const reportScript = String.raw`(function () {
  'use strict';
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function init(root) {
    if (!root || root.getAttribute('data-sos-ready') === '1') return;
    root.setAttribute('data-sos-ready', '1');
    root.classList.add('sos-js');
    var doc = root.ownerDocument;
    var nav = root.querySelector('.sos-tabs');
    var tabs = Array.prototype.slice.call(root.querySelectorAll('.sos-tab'));
    var panels = tabs.map(function (tab) { return doc.getElementById(tab.getAttribute('href').slice(1)); });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute('aria-selected', on ? 'true' : 'false');
        tab.setAttribute('tabindex', on ? '0' : '-1');
        if (panels[i]) panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
    }

    if (nav && tabs.length) {
      nav.setAttribute('role', 'tablist');
      tabs.forEach(function (tab, i) {
        tab.setAttribute('role', 'tab');
        tab.setAttribute('aria-controls', panels[i] ? panels[i].id : '');
        tab.addEventListener('click', function (event) { event.preventDefault(); select(i, true); });
      });
      panels.forEach(function (panel) {
        if (!panel) return;
        panel.setAttribute('role', 'tabpanel');
        panel.setAttribute('tabindex', '0');
      });
      nav.addEventListener('keydown', function (event) {
        var current = tabs.indexOf(doc.activeElement);
        if (current < 0) return;
        var next = null;
        if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = (current + 1) % tabs.length;
        else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = (current - 1 + tabs.length) % tabs.length;
        else if (event.key === 'Home') next = 0;
        else if (event.key === 'End') next = tabs.length - 1;
        else if (event.key === ' ' || event.key === 'Spacebar') next = current;
        if (next === null) return;
        event.preventDefault();
        select(next, true);
      });
      var initial = root.getAttribute('data-initial-tab');
      var start = 0;
      tabs.forEach(function (tab, i) { if (tab.getAttribute('data-tab') === initial) start = i; });
      select(start, false);
    }

    each(root.querySelectorAll('.sos-attrs'), setUpTable);

    function reveal(target) {
      var panel = target.closest('.sos-panel');
      var index = panels.indexOf(panel);
      if (index >= 0 && tabs.length) select(index, false);
      for (var node = target.parentElement; node && node !== root; node = node.parentElement) {
        if (node.tagName === 'DETAILS') node.open = true;
      }
      if (target.tagName === 'TR') {
        if (target.hidden) {
          var block = target.closest('.sos-attrs');
          var input = block && block.querySelector('.sos-filter');
          var changedOnly = block && block.querySelector('.sos-changed-only');
          if (changedOnly) changedOnly.checked = false;
          if (input) { input.value = ''; input.dispatchEvent(new Event('input')); }
        }
        each(root.querySelectorAll('.sos-highlight'), function (el) { el.classList.remove('sos-highlight'); });
        target.classList.add('sos-highlight');
      }
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.scrollIntoView({ block: 'center' });
      target.focus({ preventScroll: true });
    }

    root.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
      if (!link || !root.contains(link) || link.classList.contains('sos-tab')) return;
      var target = doc.getElementById(link.getAttribute('href').slice(1));
      if (!target || !root.contains(target)) return;
      event.preventDefault();
      reveal(target);
    });

    function fromHash() {
      var id = '';
      try { id = decodeURIComponent((doc.defaultView.location.hash || '').slice(1)); } catch (e) { return; }
      var target = id && doc.getElementById(id);
      if (!target || !root.contains(target)) return;
      var tabIndex = panels.indexOf(target);
      if (tabIndex >= 0) select(tabIndex, false); else reveal(target);
    }
    fromHash();
    doc.defaultView.addEventListener('hashchange', fromHash);

    // Printing shows everything: open every collapsed list, close them again afterwards.
    var openedForPrint = [];
    doc.defaultView.addEventListener('beforeprint', function () {
      each(root.querySelectorAll('details:not([open])'), function (d) { d.open = true; openedForPrint.push(d); });
    });
    doc.defaultView.addEventListener('afterprint', function () {
      openedForPrint.forEach(function (d) { d.open = false; });
      openedForPrint = [];
    });
  }

  function setUpTable(block) {
    var table = block.querySelector('table');
    var body = table && table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var tools = block.querySelector('.sos-tools');
    var input = block.querySelector('.sos-filter');
    var count = block.querySelector('.sos-filter-count');
    if (tools) tools.hidden = false;
    var changedOnly = block.querySelector('.sos-changed-only');
    var texts = null;
    function applyFilter() {
      if (!texts) texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
      var query = input ? input.value.trim().toLowerCase() : '';
      var onlyChanged = !!(changedOnly && changedOnly.checked);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = (!query || texts[i].indexOf(query) >= 0) && (!onlyChanged || !row.classList.contains('sos-op-none'));
        row.hidden = !match;
        if (match) shown++;
      });
      if (count) count.textContent = query || onlyChanged ? shown + ' of ' + rows.length + ' shown' : '';
    }
    if (input) input.addEventListener('input', applyFilter);
    if (changedOnly) changedOnly.addEventListener('change', applyFilter);
    var headers = Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
    headers.forEach(function (th, column) {
      var button = th.querySelector('.sos-sort');
      if (!button) return;
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var keyed = rows.map(function (row, i) {
          var cell = row.cells[column];
          var key = cell ? (cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent) : '';
          return { row: row, key: key.trim(), i: i };
        });
        keyed.sort(function (a, b) {
          var c = a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: 'base' });
          return (ascending ? c : -c) || a.i - b.i;
        });
        keyed.forEach(function (k) { body.appendChild(k.row); });
        rows = keyed.map(function (k) { return k.row; });
        texts = null;
      });
    });
  }

  function initAll() { each(document.querySelectorAll('.sos-report'), init); }
  window.SingleObjectSyncReport = { init: init, initAll: initAll };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', initAll);
  else initAll();
})();
`;
