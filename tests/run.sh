#!/usr/bin/env bash
# Runs every test of the project, installing what the tests need first.
# Usage: tests/run.sh   (from anywhere; needs a Rust toolchain with rustfmt
# and clippy; installs system packages with apt-get when run as root)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== unit and integration tests"
cargo test --workspace --locked

echo "== the real catalog and whitepaper check clean"
cargo run --locked --quiet -- check

echo "== exported manifests pass the tools' own validators"
tests/validate-exports.sh
