#!/usr/bin/env bash
# Regenerates cmd/exsim/default.pgo, the CPU profile the Go toolchain uses for
# profile-guided optimization of the exsim binary (go build, go install and go run
# of ./cmd/exsim read it by default: -pgo=auto). See BENCHMARKS.md, "Seventh session".
#
# The profile is of the commands users run, in proportion to the time they take:
# `exsim run` of a day of mail with --quiet, --json and --tracking-logs (the
# benchmarks of cmd/exsim), and `exsim check` (scenarios/explore's BenchmarkCheck).
# Profiles from the test binaries serve: PGO matches functions by package path and
# name, and the hot code lives in sim, transport, dag and scenarios, which are the
# same packages in both. Run it from the repository root after a change to the hot
# path; any profile is safe to build with (PGO changes inlining and devirtualization,
# never behaviour), a stale one is only less fast.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go test -c -o "$tmp/cmd.test" ./cmd/exsim
go test -c -o "$tmp/explore.test" ./scenarios/explore

(cd cmd/exsim &&
  "$tmp/cmd.test" -test.run '^$' -test.bench '^BenchmarkRunDay$/^--quiet$' -test.benchtime 20x -test.cpuprofile "$tmp/quiet.prof" &&
  "$tmp/cmd.test" -test.run '^$' -test.bench '^BenchmarkRunDay$/^--json$' -test.benchtime 5x -test.cpuprofile "$tmp/json.prof" &&
  "$tmp/cmd.test" -test.run '^$' -test.bench '^BenchmarkRunDayTrackingLogs$' -test.benchtime 3x -test.cpuprofile "$tmp/tracking.prof")
(cd scenarios/explore &&
  "$tmp/explore.test" -test.run '^$' -test.bench '^BenchmarkCheck$/^settle$' -test.benchtime 3s -test.cpuprofile "$tmp/check.prof")

go tool pprof -proto "$tmp/quiet.prof" "$tmp/json.prof" "$tmp/tracking.prof" "$tmp/check.prof" >cmd/exsim/default.pgo
echo "wrote cmd/exsim/default.pgo ($(wc -c <cmd/exsim/default.pgo) bytes)"
