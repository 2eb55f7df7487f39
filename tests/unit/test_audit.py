"""tools/audit/audit.py: the figures it reads out of a Lighthouse result, and its table."""
from tools.audit import audit


def lighthouse_result(performance=0.5, lcp_ms=6770.4):
    audits = {
        "first-contentful-paint": {"numericValue": 2030.0, "score": 0.8, "scoreDisplayMode": "numeric"},
        "largest-contentful-paint": {"numericValue": lcp_ms, "score": 0.1, "scoreDisplayMode": "numeric"},
        "total-blocking-time": {"numericValue": 1216.4, "score": 0.2, "scoreDisplayMode": "numeric"},
        "cumulative-layout-shift": {"numericValue": 0.0641, "score": 0.97, "scoreDisplayMode": "numeric"},
        "total-byte-weight": {"numericValue": 19290000, "score": 0.3, "scoreDisplayMode": "numeric"},
        "meta-description": {"score": 1, "scoreDisplayMode": "binary"},
        "color-contrast": {"score": 0, "scoreDisplayMode": "binary"},
        "diagnostics": {"score": None, "scoreDisplayMode": "informative"},
    }
    categories = {name: {"score": score} for name, score in
                  (("performance", performance), ("accessibility", 0.93), ("best-practices", 1),
                   ("seo", 1))}
    return {"audits": audits, "categories": categories}


def test_scores_are_out_of_100_and_metrics_in_their_units():
    row = audit.figures(lighthouse_result())
    assert {name: row[name] for name in audit.CATEGORIES} == {
        "performance": 50, "accessibility": 93, "best-practices": 100, "seo": 100}
    assert (row["FCP"], row["LCP"], row["TBT"], row["CLS"], row["bytes"]) == (2.03, 6.77, 1216, 0.064, 19.29)


def test_the_audits_that_cost_points_are_named_and_no_others():
    failed = audit.figures(lighthouse_result())["failed"]
    assert failed == ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                      "total-byte-weight", "color-contrast"]


def test_the_table_has_a_row_per_run():
    rows = [(("make serve", "full page", "mobile"), audit.figures(lighthouse_result())),
            (("dist/", "embed", "desktop"), audit.figures(lighthouse_result(0.95, 1380)))]
    lines = audit.table(rows).splitlines()
    assert len(lines) == 4 and lines[0].startswith("| served | page | preset | performance")
    assert lines[3].startswith("| dist/ | embed | desktop | 95 | 93 | 100 | 100 | 2.03 | 1.38 |")
