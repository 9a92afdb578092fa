#!/usr/bin/env bash
# Runs every test of the project, installing what the tests need first.
# Usage: tests/run.sh (from anywhere). Needs a Rust toolchain with rustfmt and
# clippy; as root on a fresh Debian machine it installs the system packages
# (poppler-utils, Chromium, Node.js, a Java runtime, stress-ng, faketime, curl, iproute2), and it creates its own Python virtualenv
# and npm folders under target/ and tests/.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each section says when it starts, in seconds since the run began, so a slow
# CI run shows where its time went.
section() { echo "== [$(printf "%4d" "$SECONDS") s] $*"; }
trap 'rc=$?; echo "== [$(printf "%4d" "$SECONDS") s] end (exit $rc)"' EXIT

section "system packages the tests need"
missing=()
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v stress-ng >/dev/null || missing+=(stress-ng)
command -v faketime >/dev/null || missing+=(faketime)
command -v curl >/dev/null || missing+=(curl)
command -v ip >/dev/null || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]} (run as root to install them)" >&2
    exit 2
  fi
fi

section "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# Module docs link the items they explain: a renamed item must not leave a
# dead link behind.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

section "unit and integration tests"
cargo test --workspace --locked

# The binary `cargo test` just built. `cargo run` would build it again: its
# dependencies' features differ from the test build's (dev-dependencies add
# some), which costs a cold CI run minutes for nothing.
export CHAOSBOOK_BIN="$PWD/target/debug/chaosbook"

section "the real catalog and whitepaper check clean"
"$CHAOSBOOK_BIN" check

section "external links are found (offline: tests never reach the internet)"
"$CHAOSBOOK_BIN" links --offline

section "exported manifests pass the tools' own validators"
tests/validate-exports.sh

section "every lab scenario runs for real on 127.0.0.1 (Chaos Toolkit, Toxiproxy scripts, stress-ng)"
# After validate-exports.sh: its virtualenv has Chaos Toolkit and
# chaostoolkit-toxiproxy.
bash tests/lab/run.sh

section "the site and the catalog pages in headless Chromium"
bash tests/browser/run.sh

section "the GitHub workflows pass actionlint"
bash tests/workflows/run.sh
