#!/usr/bin/env bash
# Runs every test of the project, installing what the tests need first.
# Usage: tests/run.sh (from anywhere). Needs a Rust toolchain with rustfmt and
# clippy; as root on a fresh Debian machine it installs the system packages
# (poppler-utils, Chromium, Node.js), and it creates its own Python virtualenv
# and npm folders under target/ and tests/.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== system packages the tests need"
missing=()
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]} (run as root to install them)" >&2
    exit 2
  fi
fi

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== unit and integration tests"
cargo test --workspace --locked

echo "== the real catalog and whitepaper check clean"
cargo run --locked --quiet -- check

echo "== external links are found (offline: tests never reach the internet)"
cargo run --locked --quiet -- links --offline

echo "== exported manifests pass the tools' own validators"
tests/validate-exports.sh

echo "== the site and the catalog pages in headless Chromium"
CHAOSBOOK_BIN="$PWD/target/debug/chaosbook" bash tests/browser/run.sh

echo "== the GitHub workflows pass actionlint"
bash tests/workflows/run.sh
