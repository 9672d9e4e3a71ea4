#!/usr/bin/env bash
# watch-latency.sh [CHAPTER...] - how soon `grade --watch` shows a verdict after a save
# (make bench-watch). For each chapter (default: all), on a copy of its reference
# solution: starts the watch, saves its first student file twice (a comment appended,
# as an editor would save an edit), and prints, for each save, the seconds until the
# first test verdict and until the chapter's score, with the load average. The first
# save compiles every student file; the next only the saved one (the others' objects
# are kept by their source's hash). Wall-clock figures: an illustration of the
# machine's speed, never a test verdict. Run from the workbook's root after bin/grade
# is built.
set -euo pipefail

root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/watch-latency.XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(now)" "$line"; done; }
# how many lines of the stamped log contain text
count() { grep -cF -- "$1" "$work/log" || true; }
# waits up to 300 s until the log has more than n lines containing text
wait_count() {
    local text=$1 n=$2 start=$SECONDS
    while [ "$(count "$text")" -le "$n" ]; do
        if ((SECONDS - start > 300)); then
            echo "no '$text' within 300 s" >&2
            return 1
        fi
        sleep 0.05
    done
}
# seconds from t0 to the first stamped line after line `from` that matches the regex
seconds_to() {
    awk -v t0="$1" -v from="$2" -v re="$3" \
        'NR > from && $0 ~ re { printf "%.2f", $1 - t0; found = 1; exit }
         END { if (!found) printf "none" }' "$work/log"
}

chapters=("$@")
if [ ${#chapters[@]} -eq 0 ]; then
    for dir in solutions/[0-9][0-9]-*/; do
        d=${dir%/}
        chapters+=("${d#solutions/}")
    done
fi

for ch in "${chapters[@]}"; do
    dir=$(cd solutions && ls -d "$ch"* | head -1)
    rm -rf "$work/sub" "$work/log"
    mkdir -p "$work/sub"
    cp -r "solutions/$dir" "$work/sub/"
    file=$(cd "$work/sub/$dir" && ls src/*.c | head -1)
    : > "$work/log"
    # through a FIFO: a reader started by grade's own shell would be grade's child,
    # which grade ends as a stray when a grading ends
    rm -f "$work/fifo"
    mkfifo "$work/fifo"
    stamp < "$work/fifo" >> "$work/log" &
    bin/grade --root "$root" --no-color --watch --chapter "${dir%%-*}" \
        --submission "$work/sub" > "$work/fifo" 2>&1 &
    pid=$!
    line="$dir ($file):"
    for save in 0 1; do
        wait_count "Watching the student files" "$save"
        sleep 1
        from=$(wc -l < "$work/log")
        t0=$(now)
        printf '\n/* saved again */\n' >> "$work/sub/$dir/$file"
        wait_count "Chapter $dir:" "$save"
        verdict=$(seconds_to "$t0" "$from" ' (PASS|FAIL|ERROR|TIMEOUT) ')
        done_s=$(seconds_to "$t0" "$from" "Chapter $dir:")
        label=$([ "$save" -eq 0 ] && echo "first save" || echo "next save")
        line="$line $label: first verdict $verdict s, score $done_s s;"
    done
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
    printf '%s load %s\n' "$line" "$(cut -d' ' -f1 /proc/loadavg)"
done
