#!/usr/bin/env bash
# fuzz-soak.sh DURATION [PACKAGE...]: run every fuzz target of every package (or of
# the packages given, default ./...) for DURATION each (a Go duration: 15s, 10m),
# print per target its executions, new interesting inputs and crashers, and exit
# non-zero if any target found a crasher or failed to run. See TESTING.md, Fuzzing.
#
# Environment:
#   FUZZ_MINIMIZE=20x    -fuzzminimizetime: each new interesting input is minimized
#                        for 60 s by default, which leaves a slow target (one whole
#                        simulation per execution) almost no time to explore
#   FUZZ_PARALLEL=N      -parallel: fuzzing workers (default: GOMAXPROCS)
#   FUZZ_KEEP_BYTES=N    copy the new interesting inputs of this run of at most N
#                        bytes from $GOCACHE/fuzz into testdata/fuzz (default 0: none)
set -euo pipefail
cd "$(dirname "$0")/.."

dur=${1:?usage: scripts/fuzz-soak.sh DURATION [PACKAGE...]   e.g. scripts/fuzz-soak.sh 15s}
shift
minimize=${FUZZ_MINIMIZE:-20x}
parallel=${FUZZ_PARALLEL:-}
keep=${FUZZ_KEEP_BYTES:-0}
cache="$(go env GOCACHE)/fuzz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
echo "fuzz-soak: $dur per target, -fuzzminimizetime=$minimize${parallel:+, -parallel=$parallel}, $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-45s %-20s %10s %8s %9s  %s\n' package target execs new crashers result
for pkg in $(go list "${@:-./...}"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    cdir="$cache/$pkg/$f" tdir="$dir/testdata/fuzz/$f" log="$tmp/$f.log"
    ls "$cdir" 2>/dev/null | sort >"$tmp/cache.before" || true
    ls "$tdir" 2>/dev/null | sort >"$tmp/td.before" || true
    rc=0
    go test -run='^$' -fuzz="^${f}\$" -fuzztime="$dur" -fuzzminimizetime="$minimize" \
      ${parallel:+-parallel="$parallel"} "$pkg" >"$log" 2>&1 || rc=$?
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
    new=$(grep -o 'new interesting: [0-9]*' "$log" | tail -1 | cut -d' ' -f3 || true)
    ls "$tdir" 2>/dev/null | sort >"$tmp/td.after" || true
    crashers=$(comm -13 "$tmp/td.before" "$tmp/td.after")
    ncrash=$(printf '%s' "$crashers" | grep -c . || true)
    result=ok
    if [ "$ncrash" -gt 0 ]; then
      result=CRASHER status=1
    elif [ "$rc" -ne 0 ]; then
      # golang/go#75804: the coordinator's -fuzztime deadline races a starved worker and
      # fails the target with a bare "context deadline exceeded", sometimes under a
      # "--- FAIL" line of its own; a real finding writes a crasher or names its input.
      if grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input|^panic:|fuzz: minimizing' "$log"; then
        result="ok (deadline race of golang/go#75804, no crasher)"
      else
        result=FAILED status=1
      fi
    fi
    printf '%-45s %-20s %10s %8s %9s  %s\n' "$pkg" "$f" "${execs:-0}" "${new:-0}" "$ncrash" "$result"
    if [ "$result" = CRASHER ] || [ "$result" = FAILED ]; then
      { grep -E -A8 -- '--- FAIL|^panic|Failing input' "$log" || tail -20 "$log"; } | sed 's/^/    /' | head -40
      for c in $crashers; do echo "    crasher: $tdir/$c  (rerun: go test -run=$f/$c $pkg)"; done
    fi
    if [ "$keep" -gt 0 ] && [ -d "$cdir" ]; then
      ls "$cdir" | sort >"$tmp/cache.after"
      for c in $(comm -13 "$tmp/cache.before" "$tmp/cache.after"); do
        if [ "$(wc -c <"$cdir/$c")" -le "$keep" ]; then
          mkdir -p "$tdir" && cp "$cdir/$c" "$tdir/$c" && echo "    kept $tdir/$c"
        fi
      done
    fi
  done
done
exit $status
