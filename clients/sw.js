// @ts-check
// The apps' offline shell: a service worker (scope /app/) that keeps the apps' own files,
// the fonts and the string catalogues in a cache named after this release, and serves
// them from it, so an app opens with no network. The server puts
// `const SHELL = {version, files}` in front of this script (server/prachakhom/shell.py);
// a new release has a new version, so the browser installs a new worker, which fills a
// new cache and deletes the old ones when it takes over.
//
// Only the files in SHELL.files are answered here. The API (/api/…), the socket (/ws) and
// anything else go to the network untouched: the last known state an app shows offline is
// what the app itself kept in localStorage, never a stale API answer.

/* global SHELL */
const PREFIX = "pk-shell-";
const CACHE = PREFIX + SHELL.version;
const FILES = new Set(SHELL.files);

self.addEventListener("install", (event) => {
  /** @type {ExtendableEvent} */ (event).waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // "reload": from the server itself, never a copy from the browser's HTTP cache
      await cache.addAll(SHELL.files.map((url) => new Request(url, { cache: "reload" })));
      await /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self)).skipWaiting(); // the next page load uses this release
    })(),
  );
});

self.addEventListener("activate", (event) => {
  /** @type {ExtendableEvent} */ (event).waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
    })(),
  );
});

self.addEventListener("fetch", (untyped) => {
  const event = /** @type {FetchEvent} */ (untyped);
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !FILES.has(url.pathname)) return;
  event.respondWith(fromShell(url.pathname, request));
});

/** @param {string} path @param {Request} request */
async function fromShell(path, request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(path);
  if (kept) return kept;
  const fresh = await fetch(request); // not cached yet (the install is still running)
  if (fresh.ok && !fresh.redirected) await cache.put(path, fresh.clone());
  return fresh;
}
