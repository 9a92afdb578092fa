#!/usr/bin/env bash
# Exports every runnable manifest of the real catalog and checks it with the
# offline validators that exist for it:
# - each Chaos Toolkit experiment must pass `chaos validate` (which also
#   checks that every extension function exists and takes the given arguments);
# - every Chaos Mesh, LitmusChaos and Chaosblade resource must fit the
#   upstream CRDs vendored in tests/crds/ (unknown fields rejected), and every
#   core Kubernetes object must pass kubernetes-validate in strict mode
#   (tests/validate_resources.py);
# - every exported script must parse in the shell of its shebang.
# The validators are installed in a virtualenv under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/validators-venv
# The newest Python found: Chaos Toolkit's current release declares 3.12 or
# later; on an older one it is installed anyway (see
# validators-requirements.txt), so the catalog's recorded version is the one
# that runs.
python=python3
for candidate in python3.13 python3.12; do
  if "$candidate" -c 'import venv' >/dev/null 2>&1; then
    python=$candidate
    break
  fi
done
if [ ! -x "$venv/bin/chaos" ] || ! cmp -s tests/validators-requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --ignore-requires-python \
    -r tests/validators-requirements.txt
  cp tests/validators-requirements.txt "$venv/requirements.txt"
fi

out=target/exported
if [ -n "${CHAOSBOOK_BIN:-}" ]; then
  "$CHAOSBOOK_BIN" export --out "$out"
else
  cargo run --locked --quiet -- export --out "$out"
fi

# The lab's experiments, rendered with the lab's values, are checked too.
lab_out=target/exported-lab
rm -rf "$lab_out"
if [ -n "${CHAOSBOOK_BIN:-}" ]; then
  "$CHAOSBOOK_BIN" lab export --out "$lab_out"
else
  cargo run --locked --quiet -- lab export --out "$lab_out"
fi

passed=0
failed=0
log=$(mktemp)
for f in "$out"/chaos-toolkit/* "$lab_out"/chaos-toolkit/*; do
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
echo "chaos validate ($("$venv/bin/pip" show chaostoolkit | sed -n 's/^Version: /chaostoolkit /p')): $passed passed, $failed failed"

# Every script (Toxiproxy, Pumba, shell formats; the lab's Toxiproxy
# scripts) must parse in the shell its shebang names: `sh -n` or `bash -n`.
scripts=0
scripts_failed=0
while IFS= read -r -d '' f; do
  scripts=$((scripts + 1))
  shell=bash
  case "$(head -n 1 "$f")" in '#!/bin/sh' | '#!/usr/bin/env sh') shell=sh ;; esac
  if ! err=$("$shell" -n "$f" 2>&1); then
    scripts_failed=$((scripts_failed + 1))
    echo "FAILED: $shell -n $f"
    echo "$err" | sed 's/^/    /'
  fi
done < <(find "$out" "$lab_out" -name '*.sh' -print0)
echo "scripts parse (sh -n / bash -n): $((scripts - scripts_failed)) passed, $scripts_failed failed"

resources=0
"$venv/bin/python" tests/validate_resources.py "$out" tests/crds || resources=1
[ "$failed" -eq 0 ] && [ "$resources" -eq 0 ] && [ "$scripts_failed" -eq 0 ] && [ "$scripts" -gt 0 ]
