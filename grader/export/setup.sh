#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the autograder's image
# (Ubuntu): it installs the workbook's packages (the Makefile's DEPS_PACKAGES, written in
# by `make gradescope`) and builds the grader in /autograder/source.
# AUTOGRADER_ROOT moves /autograder (make test runs it in a simulated root).
set -euo pipefail
ROOT=${AUTOGRADER_ROOT:-/autograder}
cd "$ROOT/source"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# a package this Ubuntu release lacks (valgrind-dbg on some) is skipped, with a warning
available=()
for pkg in @DEPS_PACKAGES@; do
    if apt-cache show "$pkg" >/dev/null 2>&1; then
        available+=("$pkg")
    else
        echo "setup.sh: warning: $pkg is not available on this image; skipped" >&2
    fi
done
apt-get install -y -q --no-install-recommends "${available[@]}"
make --no-print-directory bin/grade
