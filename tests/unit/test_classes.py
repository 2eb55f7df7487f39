import pytest

from tools.build.build_data import FASHION_NAMES as FASHION
from shared import classes


def test_digits_when_the_manifest_names_none():
    assert classes.from_manifest({}) == classes.DIGITS
    assert classes.are_digits(classes.from_manifest({"classes": list("0123456789")}))


def test_names_from_the_manifest():
    names = classes.from_manifest({"classes": FASHION})
    assert names[7] == "Sneaker" and not classes.are_digits(names)


@pytest.mark.parametrize("bad", [FASHION[:9], FASHION + ["Hat"], "0123456789", None,
                                 FASHION[:9] + [""], FASHION[:9] + ["  "], FASHION[:9] + [7],
                                 FASHION[:9] + ["x" * 25]])
def test_names_a_page_could_not_show_are_refused(bad):
    with pytest.raises(ValueError):
        classes.from_manifest({"classes": bad})
