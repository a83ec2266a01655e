/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Offline entry of a return. Every keystroke is kept in localStorage (nothing is lost when the tab closes
   or the connection drops); "Send" posts the figures not yet on the server, with the version of each that
   the page showed, and the server answers what it saved, what conflicts, and every figure's version now.
   Sent again on the "online" event and on the next page load. A conflict is shown side by side; the
   person chooses, the page never overwrites on its own. The page's words come translated from the
   template (#offline-strings). */
(function () {
  "use strict";
  const form = document.getElementById("offline-entry");
  if (!form) return;
  const cfg = form.dataset;
  const words = document.getElementById("offline-strings").dataset;
  const statusBox = document.getElementById("offline-status");
  const faultsBox = document.getElementById("offline-faults");
  const conflictsBox = document.getElementById("offline-conflicts");
  const pendingNote = document.getElementById("offline-pending");
  let csrf = cfg.csrf;
  let sending = false;
  let conflicts = {};

  // --- Cells and what is kept on this device ------------------------------------------------------
  const cells = {};
  form.querySelectorAll(".offline-value").forEach(function (el) {
    cells[el.dataset.element + "|" + el.dataset.slot] = {value: el};
  });
  form.querySelectorAll(".offline-comment").forEach(function (el) {
    const cell = cells[el.dataset.element + "|" + el.dataset.slot];
    if (cell) cell.comment = el;
  });
  function idOf(el) { return el.dataset.element + "|" + el.dataset.slot; }

  function load() {
    try {
      const state = JSON.parse(localStorage.getItem(cfg.storageKey) || "null");
      if (state && typeof state.pending === "object") return state;
    } catch (e) { /* unreadable: start afresh rather than break the page */ }
    return {pending: {}, key: null};
  }
  function store(state) { localStorage.setItem(cfg.storageKey, JSON.stringify(state)); }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function say(text, link) {
    statusBox.textContent = text;
    if (link) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      statusBox.append(" ", a);
    }
    statusBox.hidden = false;
  }
  function showPending(state) {
    if (!pendingNote) return;
    const n = Object.keys(state.pending).length;
    pendingNote.textContent = n ? fill(words.pending, {n: n}) : "";
  }

  function remember(el) {
    const id = idOf(el);
    const cell = cells[id];
    if (!cell) return;
    const state = load();
    const value = cell.value;
    const kept = state.pending[id];
    state.pending[id] = {
      element: value.dataset.element, slot: value.dataset.slot,
      village_id: value.dataset.village ? Number(value.dataset.village) : null, sex: value.dataset.sex || "",
      value: value.value, comment: cell.comment ? cell.comment.value : "",
      // The version the person saw when they started to change it: a conflict is judged against it.
      version: kept ? kept.version : Number(value.dataset.version || 0),
    };
    state.key = null; // a changed batch is a new request
    store(state);
    showPending(state);
  }

  function show(id, value, comment) {
    const cell = cells[id];
    if (!cell) return;
    cell.value.value = value;
    if (cell.comment && comment !== undefined) cell.comment.value = comment;
  }
  function label(id, text) {
    const el = cells[id] && cells[id].value;
    if (el && el.tagName === "SELECT") {
      const option = Array.prototype.find.call(el.options, function (o) { return o.value === text; });
      if (option && option.value) return option.textContent;
    }
    return text || "—";
  }

  // --- Sending ----------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function send() {
    if (sending || cfg.locked) return;
    const state = load();
    const ids = Object.keys(state.pending);
    if (!ids.length) { say(words.nothing); return; }
    if (!navigator.onLine) { say(words.savedHere); return; }
    state.key = state.key || newKey(); // kept until answered: a retry after a lost answer is the same request
    store(state);
    const body = {key: state.key, values: ids.map(function (id) {
      const p = state.pending[id];
      return {element: p.element, village_id: p.village_id, sex: p.sex, value: p.value, comment: p.comment,
              version: p.version};
    })};
    sending = true;
    say(words.sending);
    post(body, true).catch(function () { say(words.savedHere); }).then(function () { sending = false; });
  }

  function post(body, mayRetry) {
    return fetch(cfg.syncUrl, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
    }).then(function (response) {
      const json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (json) return response.json().then(function (data) { answered(response.status, data, body); });
      if (response.redirected || response.status === 401) return signInAgain();
      if (response.status === 403 && mayRetry) {
        return freshToken().then(function (ok) { return ok ? post(body, false) : signInAgain(); });
      }
      say(fill(words.failed, {status: response.status}));
    });
  }

  // The token the page was served with stays valid while the session lasts; after a new sign-in (an idle
  // session ends) it is read again from the page, once.
  function freshToken() {
    return fetch(location.href, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (response.redirected || !response.ok) return false;
      return response.text().then(function (html) {
        const page = new DOMParser().parseFromString(html, "text/html");
        const other = page.getElementById("offline-entry");
        if (!other || !other.dataset.csrf) return false;
        csrf = other.dataset.csrf;
        return true;
      });
    });
  }
  function signInAgain() { say(words.session, {href: cfg.loginUrl, text: words.signIn}); }

  function answered(status, data, body) {
    faultsBox.hidden = true;
    if (status === 200) return saved(data, body);
    if (status === 400 && data.faults) return refused(data.faults);
    say(data.message || fill(words.failed, {status: status}));
  }

  function refused(faults) {
    faultsBox.textContent = "";
    const p = document.createElement("p");
    p.textContent = words.refused;
    const list = document.createElement("ul");
    faults.forEach(function (fault) {
      const li = document.createElement("li");
      li.textContent = fault;
      list.append(li);
    });
    faultsBox.append(p, list);
    faultsBox.hidden = false;
    statusBox.hidden = true;
  }

  function saved(data, body) {
    const state = load();
    const fresh = {};
    data.values.forEach(function (v) { fresh[v.element + "|" + v.slot] = v; });
    conflicts = {};
    data.conflicts.forEach(function (c) { conflicts[c.element + "|" + c.slot] = c; });
    body.values.forEach(function (sent) {
      const id = sent.element + "|" + (sent.village_id ? "v" + sent.village_id : sent.sex);
      if (conflicts[id]) return; // left as it is until the person chooses
      const now = state.pending[id];
      const version = fresh[id] ? fresh[id].version : 0;
      if (cells[id]) cells[id].value.dataset.version = version;
      if (now && now.value === sent.value && now.comment === sent.comment) delete state.pending[id];
      else if (now) now.version = version; // typed again while sending: based on what was just saved
    });
    // Figures others changed that this page does not hold unsent: shown as the server has them now.
    Object.keys(fresh).forEach(function (id) {
      if (state.pending[id] || !cells[id] || document.activeElement === cells[id].value) return;
      show(id, fresh[id].value, fresh[id].comment);
      cells[id].value.dataset.version = fresh[id].version;
    });
    if (state.key === body.key) state.key = null;
    store(state);
    showPending(state);
    showConflicts();
    say(fill(words.sent, {n: data.saved}) + (data.conflicts.length ? " " + words.conflicts : ""));
    keepCopy(); // the copy kept for offline use now has these figures and versions
  }

  // --- Conflicts, side by side ------------------------------------------------------------------
  function showConflicts() {
    const body = conflictsBox.querySelector("tbody");
    body.textContent = "";
    Object.keys(conflicts).forEach(function (id) {
      const c = conflicts[id];
      const row = document.createElement("tr");
      row.dataset.id = id;
      const theirs = label(id, c.theirs) + (c.changed_by ? " (" + fill(words.changedBy, {who: c.changed_by}) + ")" : "");
      [c.element + " · " + c.name, c.place, theirs, label(id, c.yours)].forEach(function (text, i) {
        const cell = document.createElement(i ? "td" : "th");
        if (!i) cell.scope = "row";
        cell.textContent = text;
        if (i === 2) cell.className = "theirs";
        if (i === 3) cell.className = "yours";
        row.append(cell);
      });
      const choose = document.createElement("td");
      choose.append(button(words.keepTheirs, "secondary", function () { keepTheirs(id); }), " ",
                    button(words.useMine, "", function () { useMine(id); }));
      row.append(choose);
      body.append(row);
    });
    conflictsBox.hidden = !Object.keys(conflicts).length;
  }
  function button(text, className, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.className = className;
    b.addEventListener("click", action);
    return b;
  }
  function settle(id) {
    delete conflicts[id];
    showConflicts();
  }
  function keepTheirs(id) {
    const c = conflicts[id];
    const state = load();
    delete state.pending[id];
    state.key = null;
    store(state);
    show(id, c.theirs, c.theirs_comment);
    if (cells[id]) cells[id].value.dataset.version = c.version;
    settle(id);
    showPending(state);
  }
  function useMine(id) {
    const c = conflicts[id];
    const state = load();
    if (state.pending[id]) state.pending[id].version = c.version; // seen now: sending it is a choice
    state.key = null;
    store(state);
    if (cells[id]) cells[id].value.dataset.version = c.version;
    settle(id);
    send();
  }

  // --- The copy kept for offline use ------------------------------------------------------------
  function keepCopy() {
    if (!("serviceWorker" in navigator)) return;
    const worker = navigator.serviceWorker.controller || (keepCopy.registration && keepCopy.registration.active);
    if (!worker || !navigator.onLine) return;
    const urls = [location.href.split("#")[0]];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (el) {
      urls.push(el.href || el.src);
    });
    const channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      if (event.data && event.data.kept) document.getElementById("offline-ready").hidden = false;
    };
    worker.postMessage({type: "keep", urls: urls}, [channel.port2]);
  }
  function register() {
    if (!("serviceWorker" in navigator) || !cfg.swUrl) return;
    navigator.serviceWorker.register(cfg.swUrl, {scope: cfg.swScope})
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) { keepCopy.registration = registration; keepCopy(); })
      .catch(function () { /* no service worker (plain http on an intranet): the page still keeps what is typed */ });
  }

  // --- Start ------------------------------------------------------------------------------------
  const state = load();
  Object.keys(state.pending).forEach(function (id) {
    const p = state.pending[id];
    show(id, p.value, p.comment); // what was typed before the tab closed, over the page's older copy
  });
  showPending(state);
  form.addEventListener("input", function (event) { if (event.target.dataset.element) remember(event.target); });
  form.addEventListener("change", function (event) { if (event.target.dataset.element) remember(event.target); });
  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { say(words.offline); });
  register();
  if (!navigator.onLine) say(words.offline);
  else if (Object.keys(state.pending).length) send();
})();
