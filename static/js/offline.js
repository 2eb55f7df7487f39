// Offline after the first visit: the service worker ./sw.js is asked to keep
// the page's files once the page is ready and has not trained for a moment:
// keeping them downloads 26 MB, which must compete neither with the page's
// start nor with training's own fetches of data blocks. #offline and html[data-offline] say how that stands: "kept", "update"
// (a new version is kept too, for when the page next opens), "failed" (with
// the reason) or "unavailable" (no service workers here, or refused: the page
// works online exactly as before, so that stays silent).
const html = document.documentElement;
const QUIET_MS = 2000;  // ready and not training this long: then the files are kept
let failure = "";      // why the last install failed, as sw.js said; "" once one succeeds
let registered = null;  // ours, once registered: a first install that fails leaves none to look up

function say(state, text) {
  html.dataset.offline = state;
  const line = document.getElementById("offline");
  line.textContent = text;
  line.hidden = !text;
}

function show(registration) {
  if (registration.waiting)
    say("update", "Available offline. A new version is kept too: it opens once no tab shows this page.");
  else if (failure)
    say("failed", registration.active
      ? "Available offline as kept before; the new version could not be kept: " + failure + "."
      : "Not available offline: " + failure + ". Online it works as usual.");
  else if (registration.active)
    say("kept", "Available offline: this page loads, predicts and trains without a network.");
}

function follow(registration) {
  registered = registration;
  const watch = (worker) => worker && worker.addEventListener("statechange", () => {
    if (worker.state === "installed" || worker.state === "activated") failure = "";
    else if (worker.state === "redundant") failure = failure || "the browser gave up keeping it";
    show(registration);
  });
  watch(registration.installing);       // the browser's own look at sw.js on navigation
  registration.addEventListener("updatefound", () => watch(registration.installing));
  show(registration);
  // Look for a new deploy now, not whenever the browser gets round to it.
  // With the server gone this fails, and the kept set serves on.
  registration.update().catch(() => {});
}

function keepOffline() {
  // Relative, so it works below any sub-path; the scripts always from the
  // server, so a new deploy is seen at once.
  Promise.resolve()
    .then(() => navigator.serviceWorker.register("./sw.js", {updateViaCache: "none"}))
    .then(follow)
    .catch(() => say("unavailable", ""));
}

/** then(), once the page has been ready and not training for QUIET_MS. */
function whenQuiet(then) {
  const training = document.querySelector('[data-status="training"]');
  let timer = null;
  const check = () => {
    const quiet = html.dataset.state === "ready" && !(training && training.dataset.value === "True");
    if (quiet && timer === null) {
      timer = setTimeout(() => {
        watch.disconnect();
        then();
      }, QUIET_MS);
    } else if (!quiet && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  };
  const watch = new MutationObserver(check);
  watch.observe(html, {attributes: true, attributeFilter: ["data-state"]});
  if (training) watch.observe(training, {attributes: true, attributeFilter: ["data-value"]});
  check();
}

// Listening from the start: an install the browser began on this navigation
// may fail before the page is ready, and a message nobody listens for is lost.
// No navigator.serviceWorker (an insecure origin) or one that throws (a
// sandboxed frame): keepOffline says "unavailable".
try {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data.offline !== "failed") return;
    failure = event.data.reason;
    // It may come after the worker was already seen giving up: its reason replaces the guess.
    if (registered) show(registered);
  });
} catch {}
whenQuiet(keepOffline);
