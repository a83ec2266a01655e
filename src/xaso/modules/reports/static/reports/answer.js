// SPDX-License-Identifier: AGPL-3.0-or-later
// Resolving a report: picking a prepared answer puts its text in the answer box, to be adapted before
// sending. Text the official typed is never overwritten. Without this script the prepared text is sent as
// it is when the box is left empty (forms.AnswerForm).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var data = document.getElementById("response-texts");
  var pick = document.getElementById("id_resolve-template");
  var box = document.getElementById("id_resolve-answer");
  if (!data || !pick || !box) { return; }
  var texts = JSON.parse(data.textContent), inserted = "";
  pick.addEventListener("change", function () {
    if (box.value.trim() && box.value !== inserted) { return; }
    inserted = texts[pick.value] || "";
    box.value = inserted;
  });
});
