#!/bin/sh
# `make bench` photographs digits written in Debian's handwriting fonts (tools/bench/handwriting.py).
set -e
PACKAGES="fonts-dkg-handwriting fonts-bwht fonts-breip fonts-humor-sans fonts-klee fonts-rufscript
  fonts-comic-neue fonts-kristi fonts-ecolier-court fonts-tomsontalks fonts-dancingscript"
MISSING=$(for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -z "$MISSING" ]; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  echo "Installing handwriting fonts for the photo benchmark: $MISSING"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $MISSING
else
  echo "The photo benchmark needs these fonts; run as root: apt-get install -y $MISSING" >&2
  exit 1
fi
