#!/usr/bin/env bash
# Runs the browser tests: installs Debian's Chromium, a Java runtime (for the
# Nu HTML checker) and the pinned npm packages if they are missing, builds chaosbook, then runs
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
if ! command -v java >/dev/null; then
  echo "installing a Java runtime (Debian package) for the Nu HTML checker" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
# npm ci again whenever package.json or the lock file changed since the last install: the
# same `npm ci` a fresh machine runs, so a lock file out of step with package.json fails here
# first, not only on a clean clone. package.json overrides third-party-web and
# legacy-javascript because Lighthouse's trace engine asks for their `latest`, which npm ci
# compares with the registry's newest release, not the lock file's, so a new release upstream
# would otherwise break a clean install.
if ! cat "$here/package.json" "$here/package-lock.json" | cmp -s - "$here/node_modules/.installed-from"; then
  (cd "$here" && npm ci --no-audit --no-fund && cat package.json package-lock.json >node_modules/.installed-from)
fi
if [ -z "${CHAOSBOOK_BIN:-}" ]; then
  (cd "$repo" && cargo build --quiet --bin chaosbook)
  export CHAOSBOOK_BIN="$repo/target/debug/chaosbook"
fi
cd "$here"
exec node --test site.test.mjs catalog.test.mjs search.test.mjs audit.test.mjs
