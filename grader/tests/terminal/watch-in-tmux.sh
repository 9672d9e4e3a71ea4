#!/usr/bin/env bash
# watch-in-tmux.sh - a student's loop in a real terminal (tmux): start `grade --watch`,
# save a file that does not compile, see the verdict with the file and line, fix it, see
# full marks; once with inotify and once polling. Run from the workbook's root (make test
# does), after bin/grade is built.
set -euo pipefail

root=$(pwd)
work=$(mktemp -d /tmp/watch-in-tmux.XXXXXX)
session="wb-watch-$$"
passed=0
failed=0
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
ok() { passed=$((passed + 1)); say "ok - $*"; }
not_ok() { failed=$((failed + 1)); say "not ok - $*"; }

screen() { tmux capture-pane -p -t "$session" -S -200 2>/dev/null || true; }
visible() { tmux capture-pane -p -t "$session" 2>/dev/null || true; } # no scrollback

# Waits until the screen shows text (a fixed string) or seconds pass; 0 when it did.
wait_for() {
    local text=$1 seconds=$2 start=$SECONDS
    while ((SECONDS - start < seconds)); do
        if screen | grep -qF -- "$text"; then return 0; fi
        sleep 0.2
    done
    return 1
}

check() { # check DESCRIPTION TEXT SECONDS
    if wait_for "$2" "$3"; then ok "$1"; else
        not_ok "$1 (no '$2' within $3 s); the screen:"
        screen | sed 's/^/    /'
    fi
}

# one run of the loop; mode: --watch or --watch-poll
run_loop() {
    local mode=$1 sub="$work/sub${1//-/_}"
    mkdir -p "$sub"
    cp -r "$root/solutions/01-fork" "$sub/"
    local file="$sub/01-fork/src/reap.c"
    cp "$file" "$work/reap.c.good"
    tmux new-session -d -s "$session" -x 160 -y 60 \
        "cd '$root' && bin/grade --submission '$sub' --chapter 01 $mode; echo 'grade ended with status' \$?; read -r _"
    check "$mode: builds the chapter before the first save" "Built in" 30
    check "$mode: says it is watching" "Watching the student files of 1 chapter" 30

    # save a file that does not compile, as an editor does: a new file renamed over it
    { cat "$work/reap.c.good"; printf 'int broken(void) { return }\n'; } > "$file.new"
    mv "$file.new" "$file"
    check "$mode: grades the chapter again when a file is saved" "src/reap.c saved: grading 01-fork" 10
    check "$mode: a file that does not compile is named with its line" "src/reap.c:" 60
    check "$mode: ... and the compiler's words" "expected expression" 5
    check "$mode: keeps watching after a compile error" "Watching the student files" 60

    # fix it: saved in place this time
    cat "$work/reap.c.good" > "$file"
    check "$mode: the fixed file gets full marks" "Chapter 01-fork: 55/55" 90
    # the watch built the chapter before the first save, and the fixed file is as it was
    # then: no student file is compiled again
    check "$mode: files compiled before are not compiled again" \
        "5 of 5 student files unchanged, not compiled again" 5
    if visible | grep -qF "expected expression"; then
        not_ok "$mode: the screen is cleared for each grading"
    else
        ok "$mode: the screen is cleared for each grading"
    fi

    tmux send-keys -t "$session" C-c
    check "$mode: Ctrl-C stops it cleanly" "grade ended with status 0" 20
    tmux kill-session -t "$session" 2>/dev/null || true
}

# Ctrl-C while a grading runs (a test that sleeps for a minute) stops the grading and
# the watch, not just the grading
interrupt_grading() {
    local sub="$work/sub_interrupt"
    mkdir -p "$sub"
    cp -r "$root/solutions/01-fork" "$sub/"
    local file="$sub/01-fork/src/reap.c"
    tmux new-session -d -s "$session" -x 160 -y 60 \
        "cd '$root' && bin/grade --submission '$sub' --chapter 01 --watch; echo 'grade ended with status' \$?; read -r _"
    check "--watch: says it is watching (to be interrupted)" "Watching the student files" 30
    sed 's/^int reap_ended_children(pid_t \*reaped, size_t max)$/&\n{ sleep(60); return reap_slowly(reaped, max); }\nstatic int reap_slowly(pid_t *reaped, size_t max)/' \
        "$file" > "$file.new"
    { printf '#include <unistd.h>\nstatic int reap_slowly(pid_t *reaped, size_t max);\n'; cat "$file.new"; } > "$file"
    rm -f "$file.new"
    check "--watch: grades the slow file" "src/reap.c saved: grading 01-fork" 10
    sleep 2 # the build is done and a test sleeps
    tmux send-keys -t "$session" C-c
    check "--watch: Ctrl-C during a grading stops the watch" "grade ended with status" 20
    tmux kill-session -t "$session" 2>/dev/null || true
}

run_loop --watch
run_loop --watch-poll
interrupt_grading

say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
