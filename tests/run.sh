#!/usr/bin/env bash
# Runs every test of the project, installing what the tests need first.
# Usage: tests/run.sh   (from anywhere; needs a Rust toolchain with rustfmt
# and clippy; installs system packages with apt-get when run as root)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== system packages the tests need"
# tests/pdf.rs reads the PDF back with pdftotext and renders pages with pdftoppm.
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "tests/pdf.rs needs pdftotext and pdftoppm (Debian: poppler-utils); run as root to install them" >&2
  fi
fi

echo "== unit and integration tests"
cargo test --workspace --locked

echo "== the real catalog and whitepaper check clean"
cargo run --locked --quiet -- check

echo "== external links are found (offline: tests never reach the internet)"
cargo run --locked --quiet -- links --offline

echo "== exported manifests pass the tools' own validators"
tests/validate-exports.sh
