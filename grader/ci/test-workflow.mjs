// test-workflow.mjs - runs the student workflow of the template (the one
// `make student-template` writes) as GitHub's runner would (runner.mjs) on a sample
// student repository, with this working tree as the pinned workbook, and checks what
// the student and GitHub Classroom get: the grade, the job summary, the annotations, the
// Classroom payload, the reporter's points and the job's status.
//
// The sample repository is the template with:
//   chapters/01-fork: chapter.cfg gives its first test 200 points, and
//     tests/test_run_in_child.c asserts nothing; graded through the pinned workbook it
//     must score exactly as the untouched skeleton, and the warning names both files;
//   chapters/02-process: a syntax error in a student file (an annotation at its line, the
//     compiler's message in the summary);
//   chapters/11-producer-consumer: the reference solution less one free() (points, and a
//     leak found at the student's line).
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, finish, readJson, root, run, tail } from "./check.mjs";
import { ifHolds, runJob } from "./runner.mjs";

const out = join(root, "build/workflow-test");
const student = join(out, "student");
const pristine = join(out, "pristine");
const PINNED = { repository: "local/workbook", ref: "working-tree" };
rmSync(out, { recursive: true, force: true });
for (const dest of [student, pristine]) {
  const exported = run("grader/ci/export-template", [dest, PINNED.repository, PINNED.ref]);
  if (!check(`the template is exported to ${dest}`, exported.status === 0, exported.output)) finish();
}

// ---- the runner's reading of the workflow's conditions, as GitHub's ----

const graded = { grade: { outputs: { result: "eyJ9" } } }, ungraded = { grade: { outputs: {} } };
check("the reporter runs after a failed grade step that wrote a result",
      ifHolds("always() && steps.grade.outputs.result != ''", { steps: graded }, true));
check("the reporter is skipped when the grade step wrote none",
      !ifHolds("always() && steps.grade.outputs.result != ''", { steps: ungraded }, true));
check("a step without a status function runs only after successes (success() implied)",
      ifHolds("env.A == 'yes'", { env: { A: "YES" } }) && !ifHolds("env.A == 'yes'", { env: { A: "YES" } }, true));
const bot = runJob({ workflow: join(root, "template/.github/workflows/classroom.yml"), jobName: "run-autograding-tests",
                     workspace: root, github: { actor: "github-classroom[bot]" } });
check("Classroom's own commits are not graded (the job is skipped)", bot.conclusion === "skipped" && bot.steps.length === 0);

// ---- the sample student repository ----

const edit = (rel, change) => writeFileSync(join(student, rel), change(readFileSync(join(student, rel), "utf8")));
const CFG = "chapters/01-fork/chapter.cfg";
const TEST = "chapters/01-fork/tests/test_run_in_child.c";
edit(CFG, (t) => t.replace("points = 2;", "points = 200;"));
edit(TEST, (t) => t.replace('#include "wb_test.h"\n', '#include "wb_test.h"\n\n/* edited: no check can fail */\n#define _ck_assert_failed(...) ((void)0)\n'));
const BROKEN = "chapters/02-process/src/process_start.c";
edit(BROKEN, (t) => `${t}int this_does_not_compile(void) { return 0 }\n`);
const brokenLine = readFileSync(join(student, BROKEN), "utf8").split("\n").length - 1;
cpSync(join(root, "solutions/11-producer-consumer/src"), join(student, "chapters/11-producer-consumer/src"), { recursive: true });
const LEAKY = "chapters/11-producer-consumer/src/bbuf.c";
edit(LEAKY, (t) => t.replace(/^\s*free\(b->slots\);\n/m, ""));
const leakLine = readFileSync(join(student, LEAKY), "utf8").split("\n").findIndex((l) => l.includes("calloc(")) + 1;
check("the sample repository is tampered as described", readFileSync(join(student, CFG), "utf8").includes("points = 200;") &&
      !readFileSync(join(student, LEAKY), "utf8").includes("free(b->slots)") && leakLine > 0);

// Control: graded against its own chapters, the tampering would pay.
const grade01 = (chapters, submission, json) =>
  run("bin/grade", ["--chapters", chapters, "--submission", submission, "--chapter", "1", "--no-color", "--json", json]);
grade01(join(pristine, "chapters"), pristine, join(out, "honest.json"));
grade01(join(student, "chapters"), student, join(out, "self-graded.json"));
const honest = readJson(join(out, "honest.json")).chapters?.[0] ?? {};
const selfGraded = readJson(join(out, "self-graded.json")).chapters?.[0] ?? {};
check("control: against its own tests and chapter.cfg, the tampered chapter would score more",
      selfGraded.score > honest.score && selfGraded.max_score > honest.max_score,
      `honest ${honest.score}/${honest.max_score}, self-graded ${selfGraded.score}/${selfGraded.max_score}`);

// ---- the workflow, as the runner runs it ----

const result = runJob({
  workflow: join(student, ".github/workflows/classroom.yml"),
  jobName: "run-autograding-tests",
  workspace: student,
  checkouts: { [PINNED.repository]: { dir: root, ref: PINNED.ref } },
});
const step = (name) => result.steps.find((s) => s.name === name) || {};
const steps = result.steps.map((s) => `${s.name}: ${s.outcome} (${s.exitCode})`).join("\n");
for (const name of ["Check out your work", "Check out the pinned workbook", "Build the grader from the pinned workbook", "Allow the grader's sandbox"])
  check(`step "${name}" succeeds`, step(name).outcome === "success", () => `${steps}\n${tail(`${step(name).stdout || ""}${step(name).stderr || ""}`)}`);
const gradeStep = step("Grade");
check("step Grade exits 1: the score is below FAIL_UNDER (100)", gradeStep.exitCode === 1, () => `${steps}\n${tail(gradeStep.stdout + gradeStep.stderr, 60)}`);
check("the job fails (red)", result.conclusion === "failure", result.conclusion);

// ---- the grade: the pinned workbook's, whatever the repository says ----

const report = readJson(join(student, "grade.json"));
const byId = Object.fromEntries((report.chapters || []).map((c) => [c.id, c]));
const ch01 = byId["01-fork"] || {};
check("01-fork scores as the honest skeleton, out of the pinned points",
      ch01.score === honest.score && ch01.max_score === honest.max_score && honest.max_score > 0,
      `pinned ${ch01.score}/${ch01.max_score}, honest ${honest.score}/${honest.max_score}`);
const verdicts = (c) => JSON.stringify((c.tests || []).map((t) => [t.name, t.status, t.score, t.max_score]));
check("01-fork's tests have the honest skeleton's verdicts", verdicts(ch01) === verdicts(honest) && (ch01.tests || []).length > 0);
const ch02 = byId["02-process"] || {};
check("02-process says that src/process_start.c does not compile",
      (ch02.status === "compile_error" && ch02.message?.includes("src/process_start.c:")) ||
      (ch02.notes || []).some((n) => n.includes("src/process_start.c does not compile")), JSON.stringify(ch02).slice(0, 300));
const ch11 = byId["11-producer-consumer"] || {};
check("11-producer-consumer earns its tests' points but not leak-free's",
      ch11.score === ch11.max_score - ch11.analysis?.memcheck?.max_score && ch11.analysis?.memcheck?.errors > 0,
      JSON.stringify(ch11.analysis?.memcheck || {}).slice(0, 300));

// ---- the job summary ----

const summary = result.summary;
const inSummary = [
  `## ❌ Grade: ${report.score}/${report.max_score}`,
  "**Workbook files you changed are ignored:**",
  `\`${CFG}\`, \`${TEST}\``,
  "| chapter | result | points | tests passed | time |",
  ...(report.chapters || []).map((c) => `| \`${c.id}\` `),
  `src/process_start.c:${brokenLine}:`,
  "**Failing tests**",
  "**leak-free (memcheck): [Leak\\_DefinitelyLost] in test",
  `src/bbuf.c:${leakLine}:`,
];
for (const part of inSummary)
  check(`the job summary holds ${JSON.stringify(part).slice(0, 70)}`, summary.includes(part), () => summary.slice(0, 1500));

// ---- the annotations ----

const errors = result.annotations.filter((a) => a.level === "error" && a.step === "Grade");
const at = (file, line) => errors.find((a) => a.file === file && Number(a.line) === line);
check(`an error annotation at the leak, ${LEAKY}:${leakLine}`, at(LEAKY, leakLine)?.message.includes("Leak_DefinitelyLost"),
      () => errors.map((a) => `${a.file}:${a.line} ${a.title}`).join("\n"));
check(`an error annotation at the syntax error, ${BROKEN}:${brokenLine}`, at(BROKEN, brokenLine)?.title === "02-process: compile error",
      () => errors.map((a) => `${a.file}:${a.line} ${a.title}`).join("\n"));
const nowhere = errors.filter((a) => !a.file || !/^chapters\/\d\d-[a-z-]+\/(src|tests)\//.test(a.file));
check("every error annotation names a file from the repository's root", errors.length > 0 && nowhere.length === 0, JSON.stringify(nowhere.slice(0, 3)));
const warning = result.annotations.find((a) => a.level === "warning" && a.step === "Grade");
check("a warning names exactly the two workbook files changed",
      warning?.message.startsWith(`workbook files you changed are ignored: ${CFG}, ${TEST} (`), JSON.stringify(warning));

// ---- GitHub Classroom: the step output, the payload, the reporter ----

const encoded = gradeStep.outputs?.result || "";
let payload = {};
try {
  payload = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
} catch (error) {
  payload = { error: error.message };
}
check("the Grade step's output `result` is the payload, base64", encoded !== "" && !payload.error, encoded.slice(0, 80));
check("the payload has the runners' keys", JSON.stringify(Object.keys(payload)) === '["version","status","max_score","tests"]', Object.keys(payload).join(","));
const tests = payload.tests || [];
const entryKeys = '["name","status","score","message","line_no","execution_time"]';
check("one entry per chapter", tests.length === (report.chapters || []).length && tests[0]?.name.startsWith("01-fork: "), tests.map((t) => t.name).join("\n"));
check("each entry has the runners' test keys and statuses", tests.length > 0 && tests.every((t) =>
  JSON.stringify(Object.keys(t)) === entryKeys && ["pass", "fail", "error"].includes(t.status) && typeof t.score === "number" && Number.isInteger(t.line_no)),
  JSON.stringify(tests.find((t) => JSON.stringify(Object.keys(t)) !== entryKeys) || tests[0]));
const sum = tests.reduce((a, t) => a + t.score, 0);
check("the entries' scores add up to the grade, out of its max_score", sum === report.score && payload.max_score === report.max_score,
      `${sum}/${payload.max_score} against ${report.score}/${report.max_score}`);
check("the payload's status is fail (below the pass mark)", payload.status === "fail");
check("the payload fits in the reporter's environment with room to spare (< 64 KiB base64)", encoded.length < 65536, `${encoded.length} bytes`);
const reporter = step("Report the points to GitHub Classroom");
check("the reporter reads it and reports the points", result.reporter?.totalPoints === report.score && result.reporter?.maxPoints === report.max_score &&
      result.annotations.some((a) => a.title === "Autograding complete" && a.message === `Points ${report.score}/${report.max_score}`),
      () => `${JSON.stringify(result.reporter && { total: result.reporter.totalPoints, max: result.reporter.maxPoints })}\n${reporter.stderr}`);
check("the reporter step fails too (some tests failed)", reporter.outcome === "failure" && reporter.stderr.includes("Some tests failed."), reporter.stderr);
const kept = result.artifacts[0] || {};
check("the reports are kept as the artifact grade-report", kept.name === "grade-report" && kept.kept?.join() === "grade.json,classroom.json", JSON.stringify(kept));

finish();
