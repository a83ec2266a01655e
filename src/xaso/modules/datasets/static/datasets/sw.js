/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The service worker of offline entry: it keeps a copy of each offline entry page (and of the static files
   it loads) and serves it when the network fails, so that a commune with no connection can still open the
   form. Network first: online, the page is always the server's, with the current figures and versions.
   Served from /data/offline-sw.js (see urls_offline.py); registered with the commune's returns as its
   scope, it answers only for offline entry pages and static files and leaves every other request alone. */
"use strict";

const CACHE = "xaso-offline-v1";
const STATIC = new URL(self.location.href).searchParams.get("static") || "/static/";
const PAGE = /\/returns\/[^/]+\/[^/]+\/offline\/$/;

function ours(url) {
  const u = new URL(url, self.location.href);
  return u.origin === self.location.origin && (PAGE.test(u.pathname) || u.pathname.indexOf(STATIC) === 0);
}

// Only a complete answer of our own server is kept: never a redirect to the sign-in page, nor an error.
function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("xaso-offline-") === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET" || !ours(request.url)) return;
  event.respondWith(fetch(request).then(function (response) {
    if (keepable(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request.url, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(request.url, {ignoreVary: true}).then(function (kept) { return kept || Response.error(); });
  }));
});

// The page asks for its copy to be kept on its first visit (it was loaded before this worker controlled
// it) and after each sync; the worker fetches each address and answers once all are kept.
self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter(ours);
  const reply = function (kept) { if (event.ports[0]) event.ports[0].postMessage({kept: kept}); };
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
        if (!keepable(response)) throw new Error("not kept: " + url);
        return cache.put(url, response);
      });
    }));
  }).then(function () { reply(true); }, function () { reply(false); }));
});
