"""What the browser tests and the benchmarks share: a served folder, headless Chromium, the page's hooks."""
