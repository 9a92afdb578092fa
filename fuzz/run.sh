#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, starting from its committed seed
# corpus (fuzz/corpus/TARGET, never modified: new inputs go to a scratch
# folder). A crash fails the run and leaves the input in
# fuzz/artifacts/TARGET/; turn it into a regression test, then fix the bug.
#
#   FUZZ_SECONDS=60        time per target (default 60)
#   FUZZ_TARGETS="a b"     only these targets
#
# Needs the nightly toolchain and cargo-fuzz; installs cargo-fuzz when missing.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-60}"
targets=(${FUZZ_TARGETS:-catalog_yaml markdown_html set_template link_extract})

if ! cargo +nightly --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked
fi

# No sanitizer: the code is safe Rust, and coverage-guided search for panics,
# hangs and broken invariants is what these targets are for.
cargo +nightly fuzz build --sanitizer none
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${seconds}s"
  mkdir -p "$scratch/$t"
  cargo +nightly fuzz run --sanitizer none "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
