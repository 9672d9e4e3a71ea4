#!/bin/sh
# shellcheck disable=SC2086 # flag and file lists are split into words on purpose
# bench.sh - how long grading the reference solutions takes against building them and
# running their tests natively, side by side in one run (make bench).
#
#   native: every chapter's solution, tests and the harness compiled as the grader
#           compiles them (build.c: the same flags, each file on its own, the harness
#           once, the same link), then each chapter's runner run directly as the grader
#           runs it (run.c: Check's fork mode, an XML log per test), one chapter after
#           another; no sandbox, no valgrind, no checks of the objects
#   grade:  bin/grade --submission solutions (every layer of the sandbox the machine
#           allows, every analysis), with GRADE_ARGS (e.g. "-j 1")
#
# Prints both wall times and their ratio (grade / native); exits 1 when the grading
# does not give the solutions full marks or a native runner fails. Run from the
# workbook's root; CC and RUNNER_LIBS as the Makefile gives them.
set -eu

CC=${CC:-cc}
RUNNER_LIBS=${RUNNER_LIBS:?RUNNER_LIBS must name Check and libseccomp link flags}
GRADE_ARGS=${GRADE_ARGS:-}
FLAGS="-std=c17 -Wall -Wextra -Werror -pthread -g -gdwarf-4 -Og -D_GNU_SOURCE -pipe"
HARNESS="wb_runner.c wb_test.c wb_proc.c wb_confine.c"

now() { date +%s.%N; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

native() {
    mkdir -p "$tmp/native/.harness"
    for f in $HARNESS wb_test.h wb_proc.h; do cp "grader/harness/$f" "$tmp/native/.harness/"; done
    (cd "$tmp/native/.harness" &&
     for f in $HARNESS; do $CC $FLAGS -I. -c "$f" -o "${f%.c}.o"; done)
    for dir in solutions/*/; do
        id=$(basename "$dir")
        work="$tmp/native/$id"
        mkdir -p "$work/build/xml"
        cp -r "chapters/$id/include" "chapters/$id/tests" "$work/"
        cp -r "solutions/$id/src" "$work/"
        (cd "$work" &&
         objects=
         for f in src/*.c; do
             o="build/$(echo "${f%.c}" | tr / _).o"
             $CC $FLAGS -Iinclude -c "$f" -o "$o"; objects="$objects $o"
         done
         for f in tests/*.c; do
             o="build/$(echo "${f%.c}" | tr / _).o"
             $CC $FLAGS -Iinclude -I../.harness -c "$f" -o "$o"; objects="$objects $o"
         done
         for f in $HARNESS; do objects="$objects ../.harness/${f%.c}.o"; done
         $CC -pthread -Wl,-z,relro,-z,now,-z,noexecstack -o build/runner $objects $RUNNER_LIBS
         env -i PATH="$PATH" CK_FORK=yes CK_VERBOSITY=normal \
             build/runner --confine --xml-dir build/xml >build/run.log 2>&1) ||
            { echo "bench: the native run of $id failed (see below)"; tail -20 "$work/build/run.log"; exit 1; }
    done
}

echo "native: building the solutions and running their tests directly..."
start=$(now)
native
native_s=$(awk "BEGIN { print $(now) - $start }")

echo "grade: bin/grade --submission solutions $GRADE_ARGS ..."
start=$(now)
bin/grade --submission solutions --no-color --json "$tmp/grade.json" $GRADE_ARGS >"$tmp/grade.log" 2>&1 ||
    { tail -20 "$tmp/grade.log"; echo "bench: grading failed"; exit 1; }
grade_s=$(awk "BEGIN { print $(now) - $start }")
score=$(grep '^Score:' "$tmp/grade.log" | tail -1)

awk -v n="$native_s" -v g="$grade_s" -v s="$score" 'BEGIN {
    printf "native: %.1f s\ngrade:  %.1f s (%s)\nratio:  %.2f (grade / native)\n", n, g, s, g / n }'
case "$score" in
"Score: "*) full=$(echo "$score" | sed 's/Score: \([0-9.]*\)\/\([0-9.]*\).*/\1 \2/') ;;
*) full="0 1" ;;
esac
set -- $full
[ "$1" = "$2" ] || { echo "bench: the solutions did not get full marks"; exit 1; }
