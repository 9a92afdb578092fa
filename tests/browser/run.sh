#!/usr/bin/env bash
# Runs the browser tests: installs Debian's Chromium and the pinned
# playwright-core if they are missing, builds chaosbook, then runs
# `node --test`. Usage (from anywhere): bash tests/browser/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (Debian package)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing node and npm (Debian packages)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
if [ -z "${CHAOSBOOK_BIN:-}" ]; then
  (cd "$repo" && cargo build --quiet --bin chaosbook)
  export CHAOSBOOK_BIN="$repo/target/debug/chaosbook"
fi
cd "$here"
exec node --test site.test.mjs catalog.test.mjs search.test.mjs audit.test.mjs
