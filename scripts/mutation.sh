#!/usr/bin/env bash
# Mutation testing of exsim's model packages (issue 24), with go-gremlins.
#
#   scripts/mutation.sh [pkg...]        default: sim components dag transport scenarios/format
#
# Each pkg is a directory of the module; gremlins mutates every package under it
# (./sim covers sim, sim/psfmt, sim/simtest, sim/suggest). For each, the script runs
#
#   gremlins unleash ./PKG --workers $MUTATION_WORKERS \
#       --timeout-coefficient $MUTATION_TIMEOUT_COEFFICIENT $MUTATION_ARGS
#
# and rewrites PKG's section of MUTATION.md (between its BEGIN/END markers; the rest of
# the file, e.g. the notes on equivalent mutants, is kept): the exact command, the date,
# killed / lived / not covered / timed out / not viable, the efficacy, and every
# surviving mutant as file:line:column.
#
# Environment:
#   MUTATION_WORKERS              parallel mutants (default 1: the machine is shared)
#   MUTATION_TIMEOUT_COEFFICIENT  a mutant's test run may take this many times the
#                                 coverage run (default 10; gremlins' own default of 3
#                                 times out killed mutants of small packages on a busy
#                                 machine, since building the mutant is part of its run)
#   MUTATION_ARGS                 more gremlins flags, e.g. -E 'narrate\.go' to exclude
#                                 files (recorded in the command)
#   MUTATION_DIFF                 a commit: mutate only the lines changed since it
#                                 (gremlins' -D, made to work on a package directory)
#   GREMLINS_VERSION              the pinned tool (default v0.6.0)
#
# Not part of .ci/run: a full run takes minutes per small package and far longer for
# transport. The tool is installed with `go install` into GOBIN (or GOPATH/bin), never
# added to go.mod.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

version=${GREMLINS_VERSION:-v0.6.0}
workers=${MUTATION_WORKERS:-1}
coef=${MUTATION_TIMEOUT_COEFFICIENT:-10}
extra=${MUTATION_ARGS:-}
diff=${MUTATION_DIFF:-}
report=${MUTATION_REPORT:-$root/MUTATION.md}

bin=$(go env GOBIN)
[ -n "$bin" ] || bin=$(go env GOPATH)/bin
gremlins=$bin/gremlins
if ! [ -x "$gremlins" ] || ! go version -m "$gremlins" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+github.com/go-gremlins/gremlins[[:space:]]+$version[[:space:]]"; then
	echo "installing github.com/go-gremlins/gremlins $version into $bin" >&2
	(cd / && GOFLAGS= go install "github.com/go-gremlins/gremlins/cmd/gremlins@$version")
fi

if [ $# -eq 0 ]; then
	set -- sim components dag transport scenarios/format
fi

# transport's TestMain reads it: a failing rapid property shrinks for 1 s, not 30
export EXSIM_MUTATION=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for pkg in "$@"; do
	pkg=${pkg#./}
	pkg=${pkg%/}
	[ -d "$pkg" ] || { echo "mutation.sh: no package directory $pkg" >&2; exit 2; }
	json=$tmp/$(echo "$pkg" | tr / _).json
	# shellcheck disable=SC2086 # MUTATION_ARGS is a list of flags
	start=$(date -u +%Y-%m-%dT%H:%MZ)
	if [ -n "$diff" ]; then
		# gremlins v0.6.0 matches `git diff REF`'s file names, relative to the
		# repository, against its mutants' names, relative to the package: run it
		# in the package with diff.relative, and with no context lines, since it
		# takes a hunk's context lines for changed ones and misses added lines
		# after them.
		cmd="(cd $pkg && GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=diff.relative GIT_CONFIG_VALUE_0=true GIT_CONFIG_KEY_1=diff.context GIT_CONFIG_VALUE_1=0 gremlins unleash \$PWD -D $diff --workers $workers --timeout-coefficient $coef${extra:+ $extra})"
		echo "== $cmd" >&2
		# shellcheck disable=SC2086
		(cd "$pkg" && GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=diff.relative GIT_CONFIG_VALUE_0=true \
			GIT_CONFIG_KEY_1=diff.context GIT_CONFIG_VALUE_1=0 \
			"$gremlins" unleash "$PWD" -D "$diff" --workers "$workers" --timeout-coefficient "$coef" $extra -o "$json" >&2)
	else
		cmd="gremlins unleash ./$pkg --workers $workers --timeout-coefficient $coef${extra:+ $extra}"
		echo "== $cmd" >&2
		# shellcheck disable=SC2086
		"$gremlins" unleash "./$pkg" --workers "$workers" --timeout-coefficient "$coef" $extra -o "$json" >&2
	fi
	runby="scripts/mutation.sh $pkg"
	[ -z "$extra" ] || runby="MUTATION_ARGS='$extra' $runby"
	[ -z "$diff" ] || runby="MUTATION_DIFF=$diff $runby"
	python3 - "$report" "$pkg" "$json" "$cmd" "$start" "$version" "$runby" <<'EOF'
import json, os, re, sys

report, pkg, path, cmd, start, version, runby = sys.argv[1:]
d = json.load(open(path))
count = {}
lived = []
for f in d.get("files", []):
    for m in f["mutations"]:
        count[m["status"]] = count.get(m["status"], 0) + 1
        if m["status"] == "LIVED":
            lived.append((f["file_name"], m["line"], m["column"], m["type"]))
k, l = count.get("KILLED", 0), count.get("LIVED", 0)
nc, to, nv = count.get("NOT COVERED", 0), count.get("TIMED OUT", 0), count.get("NOT VIABLE", 0)
eff = 100.0 * k / (k + l) if k + l else 0.0
eff_to = 100.0 * (k + to) / (k + l + to) if k + l + to else 0.0
lines = [
    f"<!-- BEGIN mutation:{pkg} (generated by scripts/mutation.sh; do not edit) -->",
    f"## {pkg}",
    "",
    f"- Command: `{cmd}` (gremlins {version}, run by "
    + f"`{runby}`)",
    f"- Date: {start}",
    f"- Killed {k}, lived {l}, not covered {nc}, timed out {to}, not viable {nv}",
    f"- Efficacy (killed / (killed + lived), gremlins' figure): **{eff:.1f}%**; "
    f"counting timed-out mutants as killed: {eff_to:.1f}%",
    "",
]
if lived:
    lines.append("Surviving mutants:")
    lines.append("")
    for fn, ln, col, typ in sorted(lived, key=lambda x: (x[0], x[1], x[2], x[3])):
        lines.append(f"- `{pkg}/{fn}:{ln}:{col}` {typ}")
else:
    lines.append("No surviving mutants.")
lines.append(f"<!-- END mutation:{pkg} -->")
section = "\n".join(lines) + "\n"

head = """# Mutation testing

Generated sections below come from `scripts/mutation.sh [pkg...]` (go-gremlins, one
section per package directory, rewritten on each run). A mutant is KILLED when the
package's tests fail on it, LIVED when they pass, NOT COVERED when no test runs its
line, TIMED OUT when the tests outlive the timeout (usually a mutant that loops).

"""
text = open(report).read() if os.path.exists(report) else head
pat = re.compile(r"<!-- BEGIN mutation:%s .*?<!-- END mutation:%s -->\n" % (re.escape(pkg), re.escape(pkg)), re.S)
if pat.search(text):
    text = pat.sub(lambda _: section, text)
else:
    marker = "<!-- END generated sections -->"
    if marker in text:
        text = text.replace(marker, section + "\n" + marker)
    else:
        text = text.rstrip("\n") + "\n\n" + section
open(report, "w").write(text)
print(f"{pkg}: killed {k}, lived {l}, not covered {nc}, timed out {to}: efficacy {eff:.1f}%", file=sys.stderr)
EOF
done
