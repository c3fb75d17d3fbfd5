#!/usr/bin/env bash
# campaign.sh: a long fuzzing campaign over every fuzz target of the module,
# the list in .ci/fuzz (the targets of ./fuzz, and those that live beside
# the code they drive: the serializer, the native codec, the middleware,
# the CLI's input parser and decode command, the binary payload converter,
# the Python literal readers and the gob stream check).
#
# Usage: fuzz/campaign.sh [duration] [jobs]
#   duration  -fuzztime per target (default 10m)
#   jobs      targets fuzzed at the same time (default 2), each with
#             -parallel=1 under nice -n 10, so a shared machine stays usable
#
# Environment: TARGETS="FuzzA FuzzB" to run a subset (a name runs it in
# every package that has it; "./serializer/FuzzUnmarshal" names one); LOGDIR
# for the logs (default /tmp/cookiecodec-campaign-<UTC time>).
#
# Where things go:
#   - the growing corpus: $(go env GOCACHE)/fuzz/github.com/cookiecodec/cookiecodec/<package>/<Target>
#     (Go's fuzz cache; it survives between runs and is not committed);
#   - crashers: <package>/testdata/fuzz/<Target>/<hash> (commit each one with its
#     fix: it then runs as a regression case in every go test);
#   - logs: $LOGDIR/<package>.<Target>.log, and $LOGDIR/summary.md, the table
#     that fuzz/CAMPAIGN.md records (execs, new interesting inputs, corpus
#     size, result).
set -euo pipefail
trap 'echo "campaign: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."

duration="${1:-10m}"
jobs="${2:-2}"
# Every "package target" pair, from .ci/fuzz's list (one source of truth).
mapfile -t all_targets < <(sed -n '/^targets=(/,/^)/{s/^  "\(.*\)"$/\1/p}' .ci/fuzz)
targets=()
for entry in "${all_targets[@]}"; do
  read -r pkg t <<<"$entry"
  if [ -z "${TARGETS:-}" ] || grep -qxF -e "$t" -e "$pkg/$t" <(tr ' ' '\n' <<<"$TARGETS"); then
    targets+=("$entry")
  fi
done
[ "${#targets[@]}" -gt 0 ] || { echo "campaign: no target matches TARGETS=$TARGETS" >&2; exit 2; }
logdir="${LOGDIR:-/tmp/cookiecodec-campaign-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$logdir"
cache="$(go env GOCACHE)/fuzz/github.com/cookiecodec/cookiecodec"

# log_of PKG TARGET names the target's log file.
log_of() { echo "$logdir/$(tr / _ <<<"${1#./}").$2.log"; }
# corpus_size PKG TARGET counts the target's cached corpus (0 before its first run).
corpus_size() { { find "$cache/${1#./}/$2" -type f 2>/dev/null || true; } | wc -l | tr -d ' '; }

echo "campaign: ${#targets[@]} targets, $duration each, $jobs at a time, logs in $logdir"
for pkg in $(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u); do
  go test -c -o /dev/null "$pkg" # fail early if a package does not build
done
declare -A before
for entry in "${targets[@]}"; do before[$entry]=$(corpus_size $entry); done

run_one() {
  local pkg t rc=0 log
  read -r pkg t <<<"$1"
  log=$(log_of "$pkg" "$t")
  date -u +"%H:%M:%S start $pkg $t" >"$log"
  nice -n 10 go test "$pkg" -run='^$' -fuzz="^${t}\$" -fuzztime="$duration" -parallel=1 >>"$log" 2>&1 || rc=$?
  date -u +"%H:%M:%S end $pkg $t rc=$rc" >>"$log"
}

running=0
for entry in "${targets[@]}"; do
  run_one "$entry" &
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
  for entry in "${targets[@]}"; do
    read -r pkg t <<<"$entry"
    log=$(log_of "$pkg" "$t")
    last=$(grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true)
    execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
    newi=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
    result=$(grep -qE '^(PASS|ok )' "$log" && echo PASS || echo "FAIL (see $log)")
    echo "| $pkg $t | ${execs:-?} | ${newi:-?} | ${before[$entry]} | $(corpus_size $entry) | $result |"
  done
} | tee "$logdir/summary.md"
if grep -q FAIL "$logdir/summary.md"; then
  echo "crashers are under <package>/testdata/fuzz/: fix them and commit each as a regression case"
  exit 1
fi
