"""Photos of digits in other people's handwriting than MNIST's writers', for
`make bench`: each digit in each of Debian's handwriting fonts (each font
one person's hand: fonts-dkg-handwriting, fonts-bwht's six, fonts-breip,
fonts-humor-sans, fonts-klee, fonts-rufscript, fonts-comic-neue,
fonts-kristi, fonts-ecolier-court, fonts-tomsontalks, fonts-dancingscript),
written at a random size, place, tilt and slant with a pen of random width,
blurred like a phone camera, on paper lit unevenly, with sensor noise, and
scaled down as the page's canvas does.

    photos(per_digit=3, seed=0) -> [(writer, label, rgba bytes, width, height)]
    installed() -> the fonts found (make bench installs them when root)
"""
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "dkg": "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "breip": "/usr/share/fonts/truetype/breip/Breip.ttf",
    "humor-sans": "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    "klee": "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
    "rufscript": "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
    "comic-neue": "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
    "kristi": "/usr/share/fonts/truetype/kristi/Kristi.ttf",
    "ecolier": "/usr/share/fonts/truetype/ecolier-court/Ecolier-court.ttf",
    "tomsontalks": "/usr/share/fonts/truetype/tomsontalks/TomsonTalks.ttf",
    "dancing-script": "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    **{"bwht-" + name.lower(): "/usr/share/fonts/opentype/bwht/BecauseWe%s-Regular.otf" % name
       for name in ("Build", "Connect", "Create", "Learn", "Mentor", "Organize")},
}
SIDE = 240         # the photo, before the page scales it down
PAGE_SIDE = 112    # shared/paper.py's MAX_SIDE: what the page's canvas hands on


def installed():
    return {writer: path for writer, path in FONTS.items() if os.path.exists(path)}


def photo(path, label, rng):
    ink = Image.new("L", (SIDE, SIDE), 0)
    font = ImageFont.truetype(path, int(rng.uniform(90, 180)))
    pen = ImageDraw.Draw(ink)
    left, top, right, bottom = pen.textbbox((0, 0), str(label), font=font)
    pen.text(((SIDE - right + left) / 2 - left + rng.uniform(-25, 25),
              (SIDE - bottom + top) / 2 - top + rng.uniform(-25, 25)), str(label), fill=255, font=font)
    ink = ink.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BILINEAR)
    slant = rng.uniform(-0.25, 0.25)            # each row shifted by slant x its height over the middle
    ink = ink.transform(ink.size, Image.Transform.AFFINE, (1, slant, -slant * SIDE / 2, 0, 1, 0),
                        resample=Image.Resampling.BILINEAR)
    wider = int(rng.choice([1, 1, 3, 5]))         # the font's own pen, or one 2 or 4 px wider (of 240)
    if wider > 1:
        ink = ink.filter(ImageFilter.MaxFilter(wider))
    ink = np.asarray(ink.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5))), np.float32) / 255
    light = (np.linspace(rng.uniform(200, 245), rng.uniform(140, 220), SIDE)[None, :]
             * np.linspace(1, rng.uniform(0.8, 1), SIDE)[:, None])
    grey = np.clip(light * (1 - 0.85 * ink) + rng.normal(0, 4, ink.shape), 0, 255).astype(np.uint8)
    rgba = np.stack([grey, grey, grey, np.full_like(grey, 255)], axis=-1)
    small = Image.fromarray(rgba).resize((PAGE_SIDE, PAGE_SIDE), Image.Resampling.BOX)
    return small.tobytes(), PAGE_SIDE, PAGE_SIDE


def photos(per_digit=3, seed=0):
    rng = np.random.default_rng(seed)
    return [(writer, label) + photo(path, label, rng)
            for writer, path in sorted(installed().items())
            for _ in range(per_digit) for label in range(10)]
