// Service worker of the télégestion (issue 13, COO-5): keeps the worker's day page and its
// assets so that the day shows without network. Network first (the day as the server has it
// now), the copy kept when the network fails or does not answer within a few seconds (a bad
// connection); the copy first, without trying the network, while the page said the phone is
// offline (its `offline` event: the browser's own view of the connection, which a service
// worker does not always share). Only GETs of these addresses; the API is never cached
// (entries wait in IndexedDB, see telegestion.js).
'use strict';
var CACHE = 'dui-telegestion-v2';
var GARDES = ['/telegestion', '/telegestion.js', '/static/app.css', '/static/app.js', '/static/htmx.min.js'];
// A marker kept in the cache while the page says the phone is offline (it survives the
// worker being stopped and started again between two pages).
var HORS_LIGNE = '/telegestion-hors-ligne';
// How long the network may take before the copy is served.
var DELAI_RESEAU = 6000;

// Each asset kept on its own: one that fails (a flaky network at install) does not keep the
// others out, and the install itself never fails because of it.
function garder(c, adresse) {
  return fetch(adresse, { credentials: 'same-origin' }).then(function (r) {
    if (r.ok && !r.redirected) { return c.put(adresse, r); }
    return null;
  }).catch(function () { return null; });
}

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return Promise.all(GARDES.map(function (a) { return garder(c, a); }));
  }).catch(function () { return null; }));
  self.skipWaiting();
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (cles) {
    return Promise.all(cles.filter(function (k) { return k.indexOf('dui-telegestion-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// `{type: 'reseau', enLigne}` from the page: the marker set or removed, then acknowledged
// (`reseau-note`) so that the page knows the next load follows it.
self.addEventListener('message', function (e) {
  var m = e.data || {};
  if (m.type !== 'reseau') { return; }
  var fait = caches.open(CACHE).then(function (c) {
    return m.enLigne ? c.delete(HORS_LIGNE) : c.put(HORS_LIGNE, new Response('1'));
  }).then(function () {
    if (e.source) { e.source.postMessage({ type: 'reseau-note', enLigne: !!m.enLigne }); }
  });
  e.waitUntil(fait);
});

function horsConnexion() {
  return new Response('Hors connexion : cette page n\'a pas encore été gardée sur ce téléphone.', {
    status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' }
  });
}

// The network's answer (kept for later), or the copy when it fails or is too slow.
function reseau(req, c, chemin) {
  var copie = function () {
    return c.match(chemin).then(function (r) { return r || horsConnexion(); });
  };
  return new Promise(function (ok) {
    var fini = false;
    var minuteur = setTimeout(function () {
      c.match(chemin).then(function (r) { if (r && !fini) { fini = true; ok(r); } });
    }, DELAI_RESEAU);
    fetch(req).then(function (r) {
      if (r.ok && !r.redirected) { c.put(chemin, r.clone()); }
      if (!fini) { fini = true; clearTimeout(minuteur); ok(r); }
    }).catch(function () {
      if (!fini) { fini = true; clearTimeout(minuteur); ok(copie()); }
    });
  });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || GARDES.indexOf(url.pathname) < 0) { return; }
  e.respondWith(caches.open(CACHE).then(function (c) {
    return c.match(HORS_LIGNE).then(function (marque) {
      var horsLigne = marque || (self.navigator && self.navigator.onLine === false);
      if (!horsLigne) { return reseau(req, c, url.pathname); }
      return c.match(url.pathname).then(function (r) { return r || reseau(req, c, url.pathname); });
    });
  }));
});
