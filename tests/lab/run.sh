#!/usr/bin/env bash
# Runs every lab experiment of the catalog for real on 127.0.0.1 and fails
# unless each ends with the verdict recorded in catalog/lab-runs.yaml (the
# evidence its scenario page shows); then stops two runs with SIGINT in the
# middle of their fault and checks that the fault is gone.
#
# A lab run is mostly waiting for its fault to last, so the runs that only
# touch the network go side by side, each in a network namespace and a mount
# namespace of its own: its own loopback (the shop's fixed ports, Toxiproxy's
# 8474) and its own target/lab (pid files, TLS certificates, journals). The
# runs that load the machine itself (CPU, memory, disk) go alone afterwards,
# so their neighbours neither slow them nor are slowed by them. Without root
# (no namespaces) every run goes alone, in turn.
#
# Needs CHAOSBOOK_BIN (the binary to test) and the virtualenv of
# tests/validate-exports.sh (Chaos Toolkit, chaostoolkit-toxiproxy).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CHAOSBOOK_BIN:?set CHAOSBOOK_BIN to the chaosbook binary to test}"

# Faults on the machine itself: these run alone.
machine_faults=" node-cpu-hog node-memory-hog disk-fill "

runs=target/lab-runs
rm -rf "$runs"
mkdir -p "$runs" target/lab

# in_namespaces LAB_DIR COMMAND...: COMMAND with a loopback of its own and
# LAB_DIR mounted as its target/lab.
in_namespaces() {
  unshare --net --mount sh -c \
    'ip link set lo up && mount --bind "$1" target/lab && shift && exec "$@"' \
    sh "$@"
}

# How many isolated runs go at once. They are mostly asleep: sixteen on two
# cores moved the probes before the fault from about 30 ms to at most 350 ms,
# far inside every steady state's tolerance. The probe is a run of `true`
# the way every run goes, so a machine that allows one step and not the
# next falls back rather than failing every run.
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && in_namespaces "$runs" true 2>/dev/null; then
  side_by_side=16
else
  side_by_side=1
  echo "(not root, or no network and mount namespaces here: every lab run goes alone)"
fi

# isolated NAME COMMAND...: runs COMMAND with its own loopback and its own
# target/lab (kept afterwards as target/lab-runs/NAME/lab) when it can.
isolated() {
  local name=$1
  shift
  if [ "$side_by_side" -eq 1 ]; then
    "$@"
    return
  fi
  mkdir -p "$runs/$name/lab"
  in_namespaces "$runs/$name/lab" "$@"
}

# lab_run SCENARIO TOOL: one run, its output in target/lab-runs/.
lab_run() {
  local name="$1-$2" code=0
  isolated "$name" "$CHAOSBOOK_BIN" lab run "$1" --tool "$2" \
    >"$runs/$name.out" 2>"$runs/$name.log" || code=$?
  echo "$code" >"$runs/$name.code"
}

# interrupted_run SCENARIO TOOL: a run stopped with SIGINT once the lab has
# seen its fault in place (so the stop lands in the middle of the fault, not
# before it), or after 60 s.
interrupted_run() {
  local name="interrupted-$1-$2" code=0
  isolated "$name" bash -c '
    log=$1
    shift
    "$@" 2>"$log" &
    pid=$!
    for _ in $(seq 600); do
      grep -q "^lab: the fault is in place" "$log" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -INT "$pid"
    wait "$pid"' \
    bash "$runs/$name.log" "$CHAOSBOOK_BIN" lab run "$1" --tool "$2" \
    >"$runs/$name.out" || code=$?
  echo "$code" >"$runs/$name.code"
}

# Starts a job once fewer than $side_by_side are running.
start() {
  while [ "$(jobs -rp | wc -l)" -ge "$side_by_side" ]; do
    wait -n || true
  done
  "$@" &
}

mapfile -t listed < <("$CHAOSBOOK_BIN" lab list)
alone=()
for line in "${listed[@]}"; do
  read -r scenario tool _ <<<"$line"
  if [[ "$machine_faults" == *" $scenario "* ]]; then
    alone+=("$scenario $tool")
  else
    start lab_run "$scenario" "$tool"
  fi
done
start interrupted_run network-latency chaos-toolkit
start interrupted_run dependency-blackhole toxiproxy
wait
for pair in "${alone[@]}"; do
  read -r scenario tool <<<"$pair"
  lab_run "$scenario" "$tool"
done

# The verdicts, in the order of `lab list`.
failed=0
show_failure() { # NAME
  cat "$runs/$1.out"
  tail -20 "$runs/$1.log"
}
for line in "${listed[@]}"; do
  read -r scenario tool recorded _ <<<"$line"
  name="$scenario-$tool"
  echo "-- lab run $scenario --tool $tool (recorded: $recorded)"
  if [ "$(cat "$runs/$name.code")" -ne 0 ]; then
    failed=1
    show_failure "$name"
    continue
  fi
  grep -E '^(  effect|verdict|recorded run):? ' "$runs/$name.out" || true
  if ! grep -q '^recorded run .*this run agrees with it$' "$runs/$name.out"; then
    echo "   the verdict differs from the recorded run (or none is recorded): run it again, investigate, then record it with --record"
    failed=1
  fi
done

# Ctrl-C in the middle of a run: the fault goes (Chaos Toolkit plays its
# rollback; a Toxiproxy script's trap removes its toxic, which the lab's check
# of the proxies confirms), the verdict says aborted, exit 1.
expect_aborted() { # SCENARIO TOOL LINE: LINE must be in the verdict
  local name="interrupted-$1-$2"
  echo "-- lab run $1 --tool $2, stopped with SIGINT while its fault was in place"
  grep -E '^lab: the fault is in place' "$runs/$name.log" || true
  grep -E '^verdict: ' "$runs/$name.out" || true
  grep -F -- "$3" "$runs/$name.out" || true
  if [ "$(cat "$runs/$name.code")" -ne 1 ] || ! grep -q '^lab: the fault is in place' "$runs/$name.log" ||
    ! grep -q '^verdict: aborted' "$runs/$name.out" || ! grep -qF -- "$3" "$runs/$name.out"; then
    echo "   the interrupted run did not end aborted (exit 1) with its fault removed"
    show_failure "$name"
    failed=1
  fi
}
expect_aborted network-latency chaos-toolkit '    action remove-latency succeeded'
expect_aborted dependency-blackhole toxiproxy '    action proxies-are-clean succeeded'
exit "$failed"
