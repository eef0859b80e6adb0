// Onsite's service worker: keeps the app shell so the app opens with no network.
//
// The build (`cargo xtask precache`, a Trunk post-build hook) replaces the PRECACHE line below
// with the exact list of built files and a version made from their contents: no guessing.
// Each version has its own cache; older caches are deleted once the new worker activates.
// API requests (/api/) are never cached: sync must see the server or fail visibly.
'use strict';

const PRECACHE = { version: 'dev', files: ['/', '/index.html'] }; // replaced at build time

const CACHE = `onsite-shell-${PRECACHE.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.files.map((f) => new Request(f, { cache: 'reload' }))))
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('onsite-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // The API, and the desk console (its own app, online only), are never the phone's to answer.
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (url.pathname === '/desk' || url.pathname.startsWith('/desk/')) return;

  if (request.mode === 'navigate') {
    // The app is one page: every route is index.html. Network first keeps it fresh online;
    // the cached shell opens it offline.
    event.respondWith(
      fetch(request).catch(() => caches.match('/index.html', { cacheName: CACHE }))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request))
  );
});
