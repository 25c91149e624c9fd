/* speckit docs site: sort the features table by a column (written for this site; no library). */
(function () {
  "use strict";
  function key(cell, numeric) {
    var value = cell.getAttribute("data-sort") || cell.textContent || "";
    return numeric ? parseFloat(value) || 0 : value.toLowerCase();
  }
  function sortBy(table, column, numeric, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column], numeric), y = key(b.cells[column], numeric);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function setUp(root) {
    (root || document).querySelectorAll("table.speckit-sortable").forEach(function (table) {
      if (table.getAttribute("data-sortable-ready")) return;
      table.setAttribute("data-sortable-ready", "1");
      table.querySelectorAll("thead th").forEach(function (th, column) {
        var button = th.querySelector("button") || th;
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          sortBy(table, column, th.hasAttribute("data-numeric"), ascending);
        });
      });
    });
  }
  /* mkdocs-material's instant navigation swaps pages without a reload: it announces each one on document$. */
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { setUp(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  }
})();
