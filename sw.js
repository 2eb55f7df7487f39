// The service worker: keeps the page's files, so that after one visit it loads,
// predicts and trains with the server gone. It sits next to index.html, so
// its scope is this folder, below whatever sub-path the host gives it.
//
// offline-set.js (tools/build/offline_set.py, rebuilt by set-up and by `make dist`)
// names every file and its sha256, and a version made from them. A new deploy
// changes that script, so the browser installs a new worker, which keeps the
// whole new set in a cache of its own and fails the install if any file
// fails: the set kept before stays in use. It waits, as service workers do,
// until no page uses the old set, then drops it: a page runs from one set,
// start to finish, never a mix. Files outside the set go to the network.
importScripts("./offline-set.js");

const SET = self.OFFLINE_SET;
const SCOPE = self.registration.scope;
// Cache names are shared by every page of the origin: ours carry the scope.
const PREFIX = "digits-offline " + SCOPE + " ";
const CACHE = PREFIX + SET.version;
const FETCHES_AT_ONCE = 4;     // while installing: 26 MB, a few files in memory at a time

self.addEventListener("install", (event) => event.waitUntil(keepSet()));
self.addEventListener("activate", (event) => event.waitUntil(dropOtherSets()));
self.addEventListener("fetch", (event) => {
  const path = pathInSet(event.request);
  if (path) event.respondWith(fromSet(path, event.request));
});

/** The file of the set a request asks for, or null (then the network answers). */
function pathInSet(request) {
  // blob: and data: URLs (Pyodide's lock file) never start with the scope.
  if (request.method !== "GET" || request.headers.has("range") || !request.url.startsWith(SCOPE))
    return null;
  const url = new URL(request.url);
  let path = url.pathname.slice(new URL(SCOPE).pathname.length);
  if (request.mode === "navigate") path = path || "index.html";   // ?embed and the like: the page
  else if (url.search) return null;
  return Object.hasOwn(SET.files, path) ? path : null;
}

async function fromSet(path, request) {
  const kept = await caches.match(new URL(path, SCOPE).href, {cacheName: CACHE});
  return kept || fetch(request);     // a set the browser evicted: as if there were no worker
}

async function keepSet() {
  try {
    const cache = await caches.open(CACHE);
    await eachAtMost(FETCHES_AT_ONCE, Object.keys(SET.files), (path) => keep(cache, path));
  } catch (error) {
    // Files already checked stay for the next try (they are this version's),
    // unless they are what filled the storage.
    if (error.name === "QuotaExceededError") await caches.delete(CACHE).catch(() => {});
    await tellPages({offline: "failed", reason: reasonFor(error)});
    throw error;                     // the install fails; the set kept before stays in use
  }
}

/** One file into the cache, checked against its sha256 in the set. */
async function keep(cache, path) {
  const url = new URL(path, SCOPE).href;
  const sha256 = SET.files[path];
  if (await cache.match(url)) return;           // checked by an earlier try
  // The copy this visit already downloaded, if it is this version's: no second download.
  let response = await fetch(url, {cache: "only-if-cached", mode: "same-origin"}).catch(() => null);
  let body = response && response.ok && await bodyIfSha256(response, sha256);
  if (!body) {
    // The hash in the query gets past any cache (a CDN's, a proxy's) that holds another version.
    response = await fetch(url + "?sha256=" + sha256, {cache: "no-cache"}).catch(() => {
      throw new Error(path + " could not be fetched");
    });
    if (!response.ok) throw new Error(path + ": HTTP " + response.status);
    body = await bodyIfSha256(response, sha256);
    if (!body) throw new Error(path + " on the server is not the version offline-set.js names");
  }
  // A response of our own, so that it carries the file's address, not the query's.
  const type = response.headers.get("Content-Type");
  await cache.put(url, new Response(body, {headers: type ? {"Content-Type": type} : {}}));
}

async function bodyIfSha256(response, sha256) {
  const body = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("") === sha256 ? body : null;
}

/** work(item) for every item, at most `limit` at a time; the first failure stops the rest. */
async function eachAtMost(limit, items, work) {
  const queue = items.slice();
  const worker = async () => {
    while (queue.length) {
      try {
        await work(queue.shift());
      } catch (error) {
        queue.length = 0;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({length: limit}, worker));
}

async function dropOtherSets() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
}

function reasonFor(error) {
  return error.name === "QuotaExceededError" ? "this browser's storage for the site is full" : error.message;
}

/** Pages show what happened (static/js/offline.js): the page that installs is not controlled. */
async function tellPages(message) {
  for (const page of await self.clients.matchAll({type: "window", includeUncontrolled: true}))
    if (page.url.startsWith(SCOPE)) page.postMessage(message);    // not other folders of the origin
}
