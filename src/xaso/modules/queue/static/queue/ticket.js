// SPDX-License-Identifier: AGPL-3.0-or-later
// The ticket page's print button (a kiosk with a ticket printer prints the page as it is).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
