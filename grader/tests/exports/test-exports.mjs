// test-exports.mjs - the course exports, each run as its platform would and held to its
// exact shape (make export-tests, part of make test):
//   - the README's chapter table: readme-table.sh passes on the README, fails on a stale copy;
//   - Gradescope: `make gradescope` (chapter 01, the extra tests of grader/tests/extra);
//     the zip holds setup.sh and run_autograder at its root and no solution; setup.sh runs
//     in a simulated /autograder (AUTOGRADER_ROOT) with apt-get and apt-cache stubbed (they
//     log what they were asked) and builds the grader; run_autograder grades a sample
//     submission (01's solution with exitcode_from_status wrong for signals) into
//     results/results.json, checked field by field against Gradescope's specification;
//     a submission with no chapter still gets a results.json saying why;
//   - Autolab: `make autolab` (same chapter and extra tests); its autograde-Makefile runs
//     as Autolab runs it, in a folder with autograde.tar and handin.tar; the last line of
//     the output is {"scores": {"01-fork": 54}}, the feedback conceals the hidden tests.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, finish, readJson, root, run, tail } from "../../ci/check.mjs";

const tmp = mkdtempSync(join(tmpdir(), "wb-exports-"));
const EXTRA = "grader/tests/extra";
const SCORE = 54; // 01-fork's 55 points and the extra tests' 7, less 2 + 1 (wrong signals) and 3 + 2 (hidden)
const MAX = 62;
const SECRET = ["secret_decodes_sigterm", "SECRET-MESSAGE-7731", "later_decodes_sigint", "LATER-MESSAGE-4242",
                "test_exit_status_extra"];
const makeVar = (name) => run("make", ["--no-print-directory", "-s", "-f", "-", "print"], {
  input: `include Makefile\nprint:\n\t@echo $(${name})\n` }).stdout.trim();
const DEPS = makeVar("DEPS_PACKAGES").split(/\s+/);

// ---- the README's chapter table ----
{
  const r = run("grader/tests/exports/readme-table.sh", ["README.md"]);
  check("the README's chapter table is what bin/grade --list --markdown makes", r.status === 0, r.output);
  const stale = join(tmp, "README.md");
  writeFileSync(stale, readFileSync(join(root, "README.md"), "utf8").replace(/^(\| 01-fork \|.*\| )(\d+)( \|)$/m,
    (_, a, points, b) => `${a}${Number(points) + 1}${b}`));
  const s = run("grader/tests/exports/readme-table.sh", [stale]);
  check("a README whose table is stale fails the check, with the difference", s.status === 1 &&
    /stale/.test(s.stderr) && /01-fork/.test(s.stderr), s.output);
}

// ---- the sample submission: a student repository with chapter 01 solved but for signals ----
const sample = join(tmp, "student");
cpSync(join(root, "chapters"), join(sample, "chapters"), { recursive: true });
cpSync(join(root, "solutions/01-fork/src"), join(sample, "chapters/01-fork/src"), { recursive: true });
cpSync(join(root, "grader/tests/fixtures/wrong-answer/01-fork/src/exit_status.c"),
       join(sample, "chapters/01-fork/src/exit_status.c"));

const lacksSecrets = (text) => SECRET.filter((s) => text.includes(s));

// ---- Gradescope ----
{
  const out = join(tmp, "gradescope");
  const made = run("make", ["--no-print-directory", "gradescope", `GRADESCOPE_DIR=${out}`, "CH=01", `EXTRA_TESTS=${EXTRA}`]);
  const zip = join(out, "autograder.zip");
  check("make gradescope writes autograder.zip", made.status === 0 && existsSync(zip), made.output);
  const list = run("unzip", ["-Z1", zip]).stdout.split("\n").filter(Boolean);
  check("the zip has setup.sh and run_autograder at its root", list.includes("setup.sh") && list.includes("run_autograder"),
    list.slice(0, 20).join("\n"));
  check("the zip holds the workbook the grading needs and the extra tests",
    ["Makefile", "grader/src/main.c", "grader/harness/wb_test.h", "chapters/01-fork/chapter.cfg",
     "chapters/01-fork/src/exit_status.c", "extra-tests/01-fork/extra.cfg", "bundle.conf"].every((f) => list.includes(f)));
  check("the zip holds no solution, no grader test, no CI", !list.some((f) => /^(solutions|grader\/tests|grader\/ci|\.ci|\.github)\//.test(f)),
    list.filter((f) => /^(solutions|grader\/tests|grader\/ci)/.test(f)).join("\n"));

  // Gradescope's image build: /autograder/source is the zip's content, setup.sh runs there
  const ag = join(tmp, "autograder");
  mkdirSync(join(ag, "source"), { recursive: true });
  run("unzip", ["-q", zip, "-d", join(ag, "source")]);
  cpSync(join(ag, "source/run_autograder"), join(ag, "run_autograder"));
  const stubs = join(tmp, "stubs");
  mkdirSync(stubs);
  for (const tool of ["apt-get", "apt-cache"]) {
    writeFileSync(join(stubs, tool), `#!/bin/sh\necho "${tool} $*" >>"${join(tmp, "apt.log")}"\nexit 0\n`);
    chmodSync(join(stubs, tool), 0o755);
  }
  const env = { ...process.env, AUTOGRADER_ROOT: ag, PATH: `${stubs}:${process.env.PATH}` };
  const setup = run("bash", [join(ag, "source/setup.sh")], { env, cwd: ag });
  const apt = existsSync(join(tmp, "apt.log")) ? readFileSync(join(tmp, "apt.log"), "utf8") : "";
  const install = apt.split("\n").find((l) => l.startsWith("apt-get install")) || "";
  check("setup.sh runs apt-get update, then installs the Makefile's DEPS_PACKAGES",
    setup.status === 0 && /^apt-get update/m.test(apt) && DEPS.every((p) => install.split(" ").includes(p)),
    `${apt}\n${tail(setup.output)}`);
  check("setup.sh builds the grader in /autograder/source", existsSync(join(ag, "source/bin/grade")), tail(setup.output));

  // a submission: Gradescope puts it in /autograder/submission and runs /autograder/run_autograder
  cpSync(sample, join(ag, "submission"), { recursive: true });
  const graded = run(join(ag, "run_autograder"), [], { env: { ...process.env, AUTOGRADER_ROOT: ag }, cwd: ag });
  const results = readJson(join(ag, "results/results.json"));
  check("run_autograder writes results/results.json", graded.status === 0 && !results.error,
    `${results.error || ""}\n${tail(graded.output)}`);
  const topKeys = ["score", "execution_time", "output", "output_format", "tests", "extra_data"];
  check("results.json has Gradescope's top-level fields and no other",
    JSON.stringify(Object.keys(results)) === JSON.stringify(topKeys) && typeof results.score === "number" &&
    Number.isInteger(results.execution_time) && typeof results.output === "string" && Array.isArray(results.tests),
    JSON.stringify(Object.keys(results)));
  const prov = (results.extra_data || {}).provenance || {};
  check("extra_data.provenance names the grader's version and when it graded",
    typeof prov.grader_version === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(prov.graded_at || ""),
    JSON.stringify(results.extra_data));
  const testKeys = ["name", "score", "max_score", "status", "output", "visibility"];
  const tests = results.tests || [];
  const badShape = tests.filter((t) => JSON.stringify(Object.keys(t)) !== JSON.stringify(testKeys) ||
    typeof t.name !== "string" || typeof t.score !== "number" || typeof t.max_score !== "number" ||
    !["passed", "failed"].includes(t.status) || typeof t.output !== "string" ||
    !["visible", "hidden", "after_due_date", "after_published"].includes(t.visibility) ||
    (t.status === "passed") !== (t.score >= t.max_score));
  check("every test entry has exactly name, score, max_score, status (passed at full marks, else failed), output, visibility",
    tests.length > 0 && badShape.length === 0, JSON.stringify(badShape.slice(0, 3)));
  check(`one entry per test and analysis of 01-fork with the extra tests (28 + 4 + memcheck)`, tests.length === 33,
    String(tests.length));
  const sum = tests.reduce((s, t) => s + t.score, 0), max = tests.reduce((s, t) => s + t.max_score, 0);
  check(`score ${SCORE}, the sum of the tests' scores (of ${MAX})`, results.score === SCORE && sum === SCORE && max === MAX,
    `score ${results.score}, sum ${sum}, max ${max}`);
  const byName = Object.fromEntries(tests.map((t) => [t.name, t]));
  const secret = byName["01-fork: secret_decodes_sigterm"] || {};
  check("the hidden test is there by name for the instructor, visibility hidden, failed, its message in its output",
    secret.visibility === "hidden" && secret.status === "failed" && secret.output.includes("SECRET-MESSAGE-7731"),
    JSON.stringify(secret));
  const later = byName["01-fork: later_decodes_sigint"] || {};
  check("the after_due_date test has visibility after_due_date", later.visibility === "after_due_date", JSON.stringify(later));
  const wrong = byName["01-fork: exitcode_of_signal_is_negative"] || {};
  check("a failed visible test says where and why", wrong.visibility === "visible" && wrong.status === "failed" &&
    /test_exit_status\.c:\d+: .*expected -9/.test(wrong.output), JSON.stringify(wrong));
  check("the memcheck analysis is an entry", (byName["01-fork: leak-free (memcheck)"] || {}).max_score === 3);
  check("the output every student reads conceals the hidden tests: \"hidden test 1: failed\", no name or message",
    /hidden test 1: failed/.test(results.output || "") && lacksSecrets(results.output || "").length === 0,
    results.output);

  // a submission with no chapter folder: still a results.json, saying why
  rmSync(join(ag, "submission"), { recursive: true });
  mkdirSync(join(ag, "submission"));
  writeFileSync(join(ag, "submission/notes.txt"), "no code\n");
  const empty = run(join(ag, "run_autograder"), [], { env: { ...process.env, AUTOGRADER_ROOT: ag }, cwd: ag });
  const none = readJson(join(ag, "results/results.json"));
  check("a submission that cannot be graded still gets a results.json: score 0 and why",
    empty.status === 0 && none.score === 0 && /could not grade/.test(none.output || "") &&
    /no chapter folder/.test(none.output || ""), JSON.stringify(none));
}

// ---- Autolab ----
{
  const out = join(tmp, "autolab");
  const made = run("make", ["--no-print-directory", "autolab", `AUTOLAB_DIR=${out}`, "CH=01", `EXTRA_TESTS=${EXTRA}`]);
  check("make autolab writes autograde-Makefile and autograde.tar", made.status === 0 &&
    existsSync(join(out, "autograde-Makefile")) && existsSync(join(out, "autograde.tar")), made.output);
  const list = run("tar", ["tf", join(out, "autograde.tar")]).stdout.split("\n");
  check("autograde.tar holds workbook/ with the driver and extra tests, no solution",
    list.includes("workbook/autolab-driver") && list.includes("workbook/extra-tests/01-fork/extra.cfg") &&
    !list.some((f) => /^workbook\/(solutions|grader\/tests|grader\/ci)\//.test(f)));
  // Autolab's grading: the two files and the handin in one folder, then `make`
  const job = join(tmp, "autolab-job");
  mkdirSync(job);
  cpSync(join(out, "autograde-Makefile"), join(job, "Makefile"));
  cpSync(join(out, "autograde.tar"), join(job, "autograde.tar"));
  run("tar", ["cf", join(job, "handin.tar"), "-C", join(sample, "chapters"), "01-fork"]);
  const r = run("make", ["--no-print-directory"], { cwd: job, env: { ...process.env, MAKEFLAGS: "" } });
  const lines = r.stdout.trim().split("\n");
  let last = {};
  try { last = JSON.parse(lines[lines.length - 1]); } catch (e) { last = { error: e.message }; }
  check(`the output's last line is {"scores": {"01-fork": ${SCORE}}}`,
    r.status === 0 && JSON.stringify(last) === JSON.stringify({ scores: { "01-fork": SCORE } }),
    `${lines[lines.length - 1]}\n${tail(r.output)}`);
  check("the feedback (students read it) shows \"hidden test 1: failed\", never the hidden tests' names or messages",
    /hidden test 1: failed/.test(r.stdout) && lacksSecrets(r.stdout).length === 0, lacksSecrets(r.stdout).join(", "));
}

rmSync(tmp, { recursive: true, force: true });
finish();
