"""The page's own Content-Security-Policy (the <meta> tag in index.html) is
strict: no inline script or style, nothing from another origin. The browser
test tests/browser/test_csp.py runs the page under it."""
from tests.harness.samples import shipped_policy


def test_the_policy_is_strict():
    policy = shipped_policy()
    assert "'unsafe-inline'" not in policy and "*" not in policy
    assert "default-src 'self'" in policy and "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'" in policy
