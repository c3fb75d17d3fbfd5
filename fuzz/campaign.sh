#!/usr/bin/env bash
# campaign.sh: a long fuzzing campaign over every fuzz target (those of ./fuzz,
# those of ./codec/internal/cborjson, the binary payload converter,
# ./internal/pyliteral, the Python literal readers of the CLI, and
# ./cmd/cookiecodec, the CLI's decode command).
#
# Usage: fuzz/campaign.sh [duration] [jobs]
#   duration  -fuzztime per target (default 10m)
#   jobs      targets fuzzed at the same time (default 2), each with
#             -parallel=1 under nice -n 10, so a shared machine stays usable
#
# Environment: TARGETS="FuzzA FuzzB" to run a subset; LOGDIR for the logs
# (default /tmp/cookiecodec-campaign-<UTC time>).
#
# Where things go:
#   - the growing corpus: $(go env GOCACHE)/fuzz/github.com/cookiecodec/cookiecodec/<package>/<Target>
#     (Go's fuzz cache; it survives between runs and is not committed);
#   - crashers: <package>/testdata/fuzz/<Target>/<hash> (commit each one with its
#     fix: it then runs as a regression case in every go test);
#   - logs: $LOGDIR/<Target>.log, and $LOGDIR/summary.md, the table that
#     fuzz/CAMPAIGN.md records (execs, new interesting inputs, corpus size,
#     result).
set -euo pipefail
trap 'echo "campaign: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."

duration="${1:-10m}"
jobs="${2:-2}"
all_targets=(FuzzUnmarshal FuzzRoundTrip FuzzFlaskVerify FuzzNativeOpen FuzzNativeMutate FuzzChunks FuzzCLIInput FuzzFetchResponses FuzzToJSON FuzzFromJSON FuzzPythonLiteral FuzzPythonValue FuzzDecode)
read -r -a targets <<<"${TARGETS:-${all_targets[*]}}"
# pkg_of names the package of a target.
pkg_of() {
  case "$1" in
  FuzzToJSON | FuzzFromJSON) echo codec/internal/cborjson ;;
  FuzzPythonLiteral | FuzzPythonValue) echo internal/pyliteral ;;
  FuzzDecode) echo cmd/cookiecodec ;;
  *) echo fuzz ;;
  esac
}
logdir="${LOGDIR:-/tmp/cookiecodec-campaign-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$logdir"
cache="$(go env GOCACHE)/fuzz/github.com/cookiecodec/cookiecodec"

corpus_size() { { find "$cache/$(pkg_of "$1")/$1" -type f 2>/dev/null || true; } | wc -l | tr -d ' '; } # no corpus yet (a fresh GOCACHE) counts 0

echo "campaign: ${targets[*]}, $duration each, $jobs at a time, logs in $logdir"
go test -c -o /dev/null ./fuzz # fail early if a package does not build
go test -c -o /dev/null ./codec/internal/cborjson
go test -c -o /dev/null ./internal/pyliteral
declare -A before
for t in "${targets[@]}"; do before[$t]=$(corpus_size "$t"); done

run_one() {
  local t=$1
  local rc=0
  date -u +"%H:%M:%S start $t" >"$logdir/$t.log"
  nice -n 10 go test "./$(pkg_of "$t")" -run='^$' -fuzz="^${t}\$" -fuzztime="$duration" -parallel=1 >>"$logdir/$t.log" 2>&1 || rc=$?
  date -u +"%H:%M:%S end $t rc=$rc" >>"$logdir/$t.log"
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

{
  echo "| target | execs | new interesting | corpus before | corpus after | result |"
  echo "|---|---:|---:|---:|---:|---|"
  for t in "${targets[@]}"; do
    last=$(grep -E '^fuzz: elapsed' "$logdir/$t.log" | tail -n 1 || true)
    execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
    newi=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
    result=$(grep -qE '^(PASS|ok )' "$logdir/$t.log" && echo PASS || echo "FAIL (see $logdir/$t.log)")
    echo "| $t | ${execs:-?} | ${newi:-?} | ${before[$t]} | $(corpus_size "$t") | $result |"
  done
} | tee "$logdir/summary.md"
if grep -q FAIL "$logdir/summary.md"; then
  echo "crashers are under <package>/testdata/fuzz/: fix them and commit each as a regression case"
  exit 1
fi
