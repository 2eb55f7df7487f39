#!/bin/sh
# clang and wasm-ld build the MLP's C step, for the worker (WebAssembly SIMD)
# and natively for the tests; both come from Debian's packages.
set -e
if command -v clang >/dev/null && command -v wasm-ld >/dev/null; then exit 0; fi
INSTALL="apt-get update && apt-get install -y clang lld"
if [ "$(id -u)" = 0 ]; then
  echo "Installing clang and lld for the WebAssembly build: $INSTALL"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang lld
else
  echo "The worker's C step needs clang and wasm-ld. Run as root:" >&2
  echo "  sudo sh -c '$INSTALL'" >&2
  exit 1
fi
