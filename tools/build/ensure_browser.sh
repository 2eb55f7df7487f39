#!/bin/sh
# Headless Chromium and its driver come from Debian's packages.
set -e
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
INSTALL="apt-get update && apt-get install -y chromium chromium-driver"
if [ "$(id -u)" = 0 ]; then
  echo "Installing headless Chromium and chromedriver: $INSTALL"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
else
  echo "Browser tests need Chromium and chromedriver. Run as root:" >&2
  echo "  sudo sh -c '$INSTALL'" >&2
  exit 1
fi
