"""Class names, from the data's manifest: what the page calls each class
wherever it names one (prediction, bars, samples, confusion matrix)."""
from shared.digit import CLASSES

DIGITS = tuple(str(d) for d in range(CLASSES))
MAX_NAME = 24


def from_manifest(manifest):
    """The manifest's ten class names (the digits when it names none);
    ValueError, with the reason, for names a page could not show."""
    if not isinstance(manifest, dict):
        raise ValueError("the manifest is not a JSON object")
    names = manifest.get("classes", DIGITS)
    if not isinstance(names, (list, tuple)) or len(names) != len(DIGITS):
        raise ValueError("the manifest must name %d classes" % len(DIGITS))
    for name in names:
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            raise ValueError("class name %r: not 1 to %d characters" % (name, MAX_NAME))
    return tuple(name.strip() for name in names)


def are_digits(names):
    return tuple(names) == DIGITS
