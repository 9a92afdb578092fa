#!/usr/bin/env bash
# Exports every runnable manifest of the real catalog and checks the ones
# that have an offline validator of their own with that validator: each
# Chaos Toolkit experiment must pass `chaos validate` (which also checks
# that every extension function exists and takes the given arguments).
# The validators are installed in a virtualenv under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/validators-venv
if [ ! -x "$venv/bin/chaos" ] || ! cmp -s tests/validators-requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/validators-requirements.txt
  cp tests/validators-requirements.txt "$venv/requirements.txt"
fi

out=target/exported
cargo run --locked --quiet -- export --out "$out"

passed=0
failed=0
log=$(mktemp)
for f in "$out"/chaos-toolkit/*; do
  if "$venv/bin/chaos" --no-version-check --log-file /dev/null validate "$f" >"$log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: chaos validate $f"
    sed 's/^/    /' "$log"
  fi
done
rm -f "$log"
if [ $((passed + failed)) -eq 0 ]; then
  echo "no Chaos Toolkit experiment was exported"
  exit 1
fi
echo "chaos validate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
