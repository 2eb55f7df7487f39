// Sets html[data-state="ready"] when the bare worker has numpy imported, as the app does when ready.
const worker = new Worker("./worker.js", { type: "module" });
worker.onmessage = () => { document.documentElement.dataset.state = "ready"; };
