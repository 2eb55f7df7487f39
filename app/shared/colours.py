"""Colours the page computes (the confusion matrix's tints), kept readable:
text on a tinted cell is black or white, whichever contrasts more, which is
at least 4.58:1 on any background (WCAG 2.1's 1.4.3 asks 4.5:1).

Plain Python: runs under CPython and MicroPython.
"""
PAPER = (255, 255, 255)
BLACK, WHITE = "#000", "#fff"


def blend(colour, alpha, under=PAPER):
    """colour (r, g, b) laid over `under` with opacity alpha in [0, 1]."""
    return tuple(round(c * alpha + u * (1 - alpha)) for c, u in zip(colour, under))


def luminance(colour):
    """WCAG 2.1's relative luminance of an sRGB colour (r, g, b), 0..255 each."""
    r, g, b = (c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
               for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_on(background):
    """BLACK or WHITE: whichever contrasts more with background."""
    return BLACK if contrast(background, (0, 0, 0)) >= contrast(background, PAPER) else WHITE
