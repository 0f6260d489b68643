// Sortable portal tables without a server: a button in each header cell sorts the rows by that column
// (numbers by data-sort, texts in Chinese collation; a gap — sorts last), and aria-sort says how.
(function () {
  "use strict";
  function key(cell) {
    if (!cell) return null;
    var v = cell.getAttribute("data-sort");
    return v === null ? cell.textContent.trim() : v === "" ? null : parseFloat(v);
  }
  function compare(a, b) {
    if (a === null || a === "—") return b === null || b === "—" ? 0 : 1;
    if (b === null || b === "—") return -1;
    return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b), "zh-CN");
  }
  function sort(table, index, header) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r, s) {
      var a = key(r.cells[index]), b = key(s.cells[index]);
      var c = compare(a, b);
      if (a === null || b === null || a === "—" || b === "—") return c;  // gaps last either way
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sort(table, index, th); });
    });
  });
})();
