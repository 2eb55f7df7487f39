"""`make audit`: Lighthouse, the yardstick people already use, on the page as
visitors get it: served by a plain static server (as `make serve` does) from
this folder and from dist/, the full page and ?embed, with Lighthouse's
mobile preset (a mid-range phone: 4x CPU throttling, 150 ms and 1.6 Mbit/s)
and its desktop preset. Prints the four category scores and the metrics of
each run, one table, and writes each run's HTML report to REPORTS.

Lighthouse (tools/audit/package.json, pinned) runs the machine's Chromium
headless; each run starts with a fresh profile, so every start is cold.
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile

from tests.harness.browser import serve
from tools import ROOT
from tools.build import dist

# Installed by `make audit` outside this folder (the Makefile's LIGHTHOUSE_HOME).
LIGHTHOUSE = os.path.join(os.environ.get("LIGHTHOUSE_HOME", os.path.expanduser("~/.cache/digits-lighthouse")),
                          "node_modules", ".bin", "lighthouse")
REPORTS = os.path.join(ROOT, ".cache", "audit")
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (("FCP", "first-contentful-paint", "s"), ("LCP", "largest-contentful-paint", "s"),
           ("TBT", "total-blocking-time", "ms"), ("CLS", "cumulative-layout-shift", ""),
           ("bytes", "total-byte-weight", "MB"))
PAGES = (("full page", "/"), ("embed", "/?embed"))
PRESETS = ("mobile", "desktop")
TIMEOUT_S = 300


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def lighthouse(url, preset, out_base):
    """One Lighthouse run: its JSON result (the HTML report written beside it)."""
    command = [LIGHTHOUSE, url, "--quiet", "--output=json", "--output=html",
               "--output-path=" + out_base, "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage"]
    if preset == "desktop":
        command.append("--preset=desktop")         # mobile is Lighthouse's default
    done = subprocess.run(command, env=dict(os.environ, CHROME_PATH=CHROMIUM),
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise SystemExit("lighthouse failed on %s (%s): %s" % (url, preset, done.stderr[-2000:]))
    with open(out_base + ".report.json", encoding="utf-8") as f:
        return json.load(f)


def figures(result):
    """The scores (0-100) and metrics of one Lighthouse result."""
    scores = {name: result["categories"][name]["score"] for name in CATEGORIES}
    row = {name: None if score is None else round(100 * score) for name, score in scores.items()}
    for label, audit, unit in METRICS:
        value = result["audits"][audit].get("numericValue")
        row[label] = (None if value is None else
                      round(value / 1000, 2) if unit == "s" else
                      round(value / 1e6, 2) if unit == "MB" else
                      round(value) if unit == "ms" else round(value, 3))
    row["failed"] = [name for name, audit in result["audits"].items()
                     if audit.get("score") is not None and audit["score"] < 0.9
                     and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")]
    return row


def table(rows):
    header = ("served", "page", "preset") + CATEGORIES + tuple(label for label, _, _ in METRICS)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (served, page, preset), row in rows:
        lines.append("| " + " | ".join([served, page, preset]
                                       + [str(row[name]) for name in CATEGORIES]
                                       + [str(row[label]) for label, _, _ in METRICS]) + " |")
    return "\n".join(lines)


def main():
    if not os.path.exists(LIGHTHOUSE):
        raise SystemExit("Lighthouse is not installed: run `make audit`, which installs it")
    os.makedirs(REPORTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = os.path.join(tmp, "dist")
        dist.build(built)
        rows = []
        for served, root in (("make serve", ROOT), ("dist/", built)):
            url, httpd = serve(root, Quiet)
            try:
                for page, path in PAGES:
                    for preset in PRESETS:
                        name = "%s-%s-%s" % ("serve" if root == ROOT else "dist",
                                             "embed" if "embed" in path else "full", preset)
                        row = figures(lighthouse(url + path, preset, os.path.join(REPORTS, name)))
                        rows.append(((served, page, preset), row))
                        print(json.dumps(dict(row, served=served, page=page, preset=preset)), flush=True)
            finally:
                httpd.shutdown()
    print(table(rows))
    print("HTML reports: %s" % REPORTS)


if __name__ == "__main__":
    sys.exit(main())
