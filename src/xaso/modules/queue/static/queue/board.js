// SPDX-License-Identifier: AGPL-3.0-or-later
// The display board asks for the queue's state every few seconds and redraws it; without JavaScript the
// page reloads itself (see the <noscript> refresh in board.html).
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var url = board.getAttribute("data-source");
  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }
  function fill(id, rows, columns) {
    var body = document.getElementById(id);
    body.replaceChildren();
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      columns.forEach(function (c) { tr.appendChild(cell(row[c])); });
      body.appendChild(tr);
    });
  }
  function refresh() {
    fetch(url, {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        fill("called", data.called, ["ticket", "counter"]);
        fill("waiting", data.waiting, ["area", "count"]);
        board.setAttribute("data-updated", String(Date.now()));
      })
      .catch(function () { /* keep the last state; try again at the next tick */ });
  }
  setInterval(refresh, 2000);
})();
