// SPDX-License-Identifier: AGPL-3.0-or-later
// The village group's page, live: messages pushed by the server (already rendered and escaped for this
// user) are added or replaced in the list; a message gone for this user is removed. When the socket is
// refused or blocked, nothing changes: the page is up to date on each load, and posting is a plain form.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list || !("WebSocket" in window)) return;
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var status = document.getElementById("live-status");
  var REFUSED = 4403;
  var retries = 0;

  function place(data) {
    var old = document.getElementById("m-" + data.id);
    if (data.remove) {
      if (old) old.remove();
      return;
    }
    if (old && Number(old.dataset.version) > data.version) return;  // an older update arriving late
    var template = document.createElement("template");
    template.innerHTML = data.html.trim();
    var item = template.content.firstElementChild;
    if (!item) return;
    // Rendered without this page's request, its forms carry no CSRF token: they get the page's.
    item.querySelectorAll("form").forEach(function (form) {
      if (token && !form.querySelector("input[name=csrfmiddlewaretoken]")) form.prepend(token.cloneNode());
    });
    if (old) {
      old.replaceWith(item);
    } else {
      list.appendChild(item);
      var empty = document.getElementById("no-messages");
      if (empty) empty.remove();
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + list.dataset.socket);
    socket.onopen = function () {
      retries = 0;
      if (status) status.hidden = false;
      list.dataset.live = "1";
    };
    socket.onmessage = function (event) { place(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      if (status) status.hidden = true;
      delete list.dataset.live;
      if (event.code === REFUSED || retries >= 5) return;
      retries += 1;
      setTimeout(connect, 2000 * retries);
    };
  }

  connect();
})();
