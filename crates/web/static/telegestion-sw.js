// Service worker of the télégestion (issue 13, COO-5): keeps the worker's day page and its
// assets so that the day shows without network. Network first (the day as the server has it
// now), the copy kept when the network fails. Only GETs of these addresses; the API is never
// cached (entries wait in IndexedDB, see telegestion.js).
'use strict';
var CACHE = 'dui-telegestion-v1';
var GARDES = ['/telegestion', '/telegestion.js', '/static/app.css', '/static/app.js', '/static/htmx.min.js'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(GARDES); }).catch(function () { return null; }));
  self.skipWaiting();
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (cles) {
    return Promise.all(cles.filter(function (k) { return k.indexOf('dui-telegestion-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || GARDES.indexOf(url.pathname) < 0) { return; }
  e.respondWith(fetch(req).then(function (r) {
    if (r.ok && !r.redirected) {
      var copie = r.clone();
      caches.open(CACHE).then(function (c) { return c.put(url.pathname, copie); });
    }
    return r;
  }).catch(function () {
    return caches.match(url.pathname).then(function (r) {
      return r || new Response('Hors connexion : cette page n\'a pas encore été gardée sur ce téléphone.', {
        status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' }
      });
    });
  }));
});
