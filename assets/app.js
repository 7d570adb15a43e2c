// plansearch: what scripts add to pages that work without them — keyboard shortcuts and
// sorting a concordance in place.
(function () {
  "use strict";
  // "/" focuses the search box.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.target.closest("input, textarea")) return;
    var box = document.querySelector("form.query input");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  // Concordance columns sort in place: the left context read from the term outward.
  var table = document.querySelector("table[data-sortable]");
  if (!table) return;
  table.querySelectorAll("button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var side = button.getAttribute("data-sort");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).filter(function (r) {
        return !r.classList.contains("group");
      });
      var key = function (r) {
        var t = r.querySelector("td." + side).textContent;
        return side === "left" ? t.split("").reverse().join("") : t;
      };
      rows.sort(function (a, b) { return key(a).localeCompare(key(b), "zh-CN"); });
      body.querySelectorAll("tr.group").forEach(function (g) { g.remove(); });
      rows.forEach(function (r) { body.appendChild(r); });
      table.setAttribute("data-sorted", side);
    });
  });
})();
