#!/bin/sh
# readme-table.sh [README] - fails when the README's chapter table (between its
# "<!-- chapters:begin" and "<!-- chapters:end -->" lines) is not what
# `bin/grade --list --markdown` makes from the chapters' metadata. Run from the root.
readme=${1:-README.md}
expected=$(bin/grade --list --markdown) || exit 2
actual=$(sed -n '/^<!-- chapters:begin/,/^<!-- chapters:end -->/p' "$readme" | sed '1d;$d')
if [ -z "$actual" ]; then
    echo "$readme: no chapter table between <!-- chapters:begin ... --> and <!-- chapters:end -->" >&2
    exit 1
fi
if [ "$expected" != "$actual" ]; then
    echo "$readme: the chapter table is stale; replace it with the output of bin/grade --list --markdown:" >&2
    printf '%s\n' "$expected" >/tmp/readme-table.$$.want
    printf '%s\n' "$actual" >/tmp/readme-table.$$.have
    diff /tmp/readme-table.$$.have /tmp/readme-table.$$.want >&2
    rm -f /tmp/readme-table.$$.want /tmp/readme-table.$$.have
    exit 1
fi
echo "$readme: the chapter table matches the metadata"
