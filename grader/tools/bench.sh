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
# CPU seconds (user + system) of the shell's waited-for children, from a file the shell's
# own `times` wrote (in a subshell it would count the subshell's)
cpu() { awk 'NR == 2 { gsub(/s/, ""); split($1, u, "m"); split($2, y, "m");
                       print u[1] * 60 + u[2] + y[1] * 60 + y[2] }' "$1"; }
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
times >"$tmp/cpu.0"
start=$(now)
native
native_s=$(awk "BEGIN { print $(now) - $start }")
times >"$tmp/cpu.1"

echo "grade: bin/grade --submission solutions $GRADE_ARGS ..."
start=$(now)
bin/grade --submission solutions --no-color --json "$tmp/grade.json" $GRADE_ARGS >"$tmp/grade.log" 2>&1 ||
    { tail -20 "$tmp/grade.log"; echo "bench: grading failed"; exit 1; }
grade_s=$(awk "BEGIN { print $(now) - $start }")
times >"$tmp/cpu.2"
native_cpu=$(awk "BEGIN { print $(cpu "$tmp/cpu.1") - $(cpu "$tmp/cpu.0") }")
grade_cpu=$(awk "BEGIN { print $(cpu "$tmp/cpu.2") - $(cpu "$tmp/cpu.1") }")
score=$(grep '^Score:' "$tmp/grade.log" | tail -1)

awk -v n="$native_s" -v g="$grade_s" -v s="$score" -v nc="$native_cpu" -v gc="$grade_cpu" \
    -v cpus="$(getconf _NPROCESSORS_ONLN)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    printf "native: %.1f s (CPU %.1f s)\n", n, nc
    printf "grade:  %.1f s (CPU %.1f s; %s)\n", g, gc, s
    printf "ratio:  %.2f (grade / native, wall clock; CPU: %.2f)\n", g / n, gc / nc
    printf "machine: %d processors, load average %s\n", cpus, load }'
case "$score" in
"Score: "*) full=$(echo "$score" | sed 's/Score: \([0-9.]*\)\/\([0-9.]*\).*/\1 \2/') ;;
*) full="0 1" ;;
esac
set -- $full
[ "$1" = "$2" ] || { echo "bench: the solutions did not get full marks"; exit 1; }
