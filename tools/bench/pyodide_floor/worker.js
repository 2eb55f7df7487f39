// `make bench`'s floor for the worker's start: Pyodide with numpy in a bare
// worker, nothing else. Posts "ready" once numpy is imported.
import { loadPyodide } from "../../../static/vendor/pyodide/pyodide.mjs";

const indexURL = new URL("../../../static/vendor/pyodide/", import.meta.url).href;
const pyodide = await loadPyodide({ indexURL, packages: ["numpy"] });
pyodide.runPython("import numpy");
postMessage("ready");
