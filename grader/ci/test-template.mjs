// test-template.mjs - `make student-template` hands out what a course should and nothing
// more: the chapters, the grader's sources, the Makefile, the student README and the
// student workflow pinned as asked; no solution, no piece of one, no instructor file. In
// the template, the README's `make grade` builds and grades every chapter (0 points), and
// the workbook-only targets refuse. Also bin/grade's --fail-under exit statuses.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { check, finish, readJson, root, run, tail } from "./check.mjs";
import { filesUnder, findPieces, RUN, solutionPieces } from "./fragments.mjs";

const out = join(root, "build/template-test");
const template = join(out, "template");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const exported = run("grader/ci/export-template", [template, "local/workbook", "working-tree"]);
check("the export runs", exported.status === 0, exported.output);

// ---- what it holds ----

const same = (a, b) => existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
const chapterFiles = filesUnder(join(root, "chapters")).map((p) => relative(root, p));
const missing = chapterFiles.filter((f) => !same(join(root, f), join(template, f)));
check(`every file of chapters/ (${chapterFiles.length}) is handed out as it is`, missing.length === 0, missing.join("\n"));
for (const f of ["Makefile", "grader/install-deps", "grader/policy.cfg", "grader/src/main.c", "grader/harness/wb_test.h", ".devcontainer/devcontainer.json"])
  check(`${f} is handed out`, same(join(root, f), join(template, f)));
check("the student README is the template's", same(join(root, "template/README.md"), join(template, "README.md")));
const workflow = readFileSync(join(template, ".github/workflows/classroom.yml"), "utf8");
check("the student workflow is pinned to the workbook and ref asked",
      /^ {2}WORKBOOK_REPOSITORY: local\/workbook$/m.test(workflow) && /^ {2}WORKBOOK_REF: working-tree$/m.test(workflow), workflow);

// ---- what it lacks ----

const handedOut = (f) => /^(chapters\/|grader\/(src|harness)\/|grader\/[^/]+$|Makefile$|\.gitignore$|\.devcontainer\/|README\.md$|\.github\/workflows\/classroom\.yml$)/.test(f);
const extra = filesUnder(template).map((p) => relative(template, p)).filter((f) => !handedOut(f));
check("nothing else is handed out", extra.length === 0, extra.join("\n"));
for (const kept of ["solutions", "grader/tests", "grader/ci", ".ci", ".github/workflows/grade.yml", "template"])
  check(`${kept} stays with the instructor`, !existsSync(join(template, kept)));

const pieces = solutionPieces(root);
check(`the solutions have runs of ${RUN} lines to look for`, pieces.runs.size > 100, `${pieces.runs.size}`);
const hits = findPieces(template, pieces);
check(`no solution, and no run of ${RUN} solution lines its skeleton lacks, is in the template`, hits.length === 0, hits.slice(0, 20).join("\n"));

// The search must see a copy: a solution re-indented into a skeleton, and a whole one.
const planted = join(out, "planted");
const [solved] = filesUnder(join(root, "solutions/01-fork/src"));
const text = readFileSync(solved, "utf8").split("\n");
mkdirSync(planted, { recursive: true });
writeFileSync(join(planted, "piece.c"), `/* mine */\n${text.slice(0, 40).map((l) => `    ${l.trim()}`).join("\n")}\n`);
cpSync(solved, join(planted, "whole.c"));
const plantedHits = findPieces(planted, pieces);
check("the search finds a re-indented piece and a whole solution",
      plantedHits.some((h) => h.startsWith("piece.c:")) && plantedHits.some((h) => h.startsWith("whole.c is ")), plantedHits.join("\n"));

// ---- the README's command works there ----

const graded = run("make", ["--no-print-directory", "grade"], { cwd: template });
check("`make grade` in the template exits 0", graded.status === 0, tail(graded.output));
const report = readJson(join(template, "grade.json"));
const chapters = report.chapters || [];
const ids = chapterFiles.filter((f) => f.endsWith("/chapter.cfg")).length;
check(`it grades every chapter (${ids})`, chapters.length === ids && ids > 0, JSON.stringify(report).slice(0, 400));
const broken = chapters.filter((c) => c.status !== "graded").map((c) => `${c.id}: ${c.status} ${c.message}`);
check("every chapter builds", broken.length === 0, broken.join("\n"));
check("the skeletons score 0", report.score === 0 && chapters.every((c) => c.score === 0), `score ${report.score}`);

for (const target of [["test"], ["student-template", "DEST=elsewhere"]]) {
  const refused = run("make", ["--no-print-directory", ...target], { cwd: template });
  check(`\`make ${target[0]}\` in the template says it is a student's copy`,
        refused.status !== 0 && refused.output.includes("student's copy"), tail(refused.output));
}

// ---- --fail-under: 1 below the mark, 0 at it, 2 for a mark that is no percentage ----

const grade = (submission, ...args) => run("bin/grade", ["--submission", submission, "--chapter", "1", "--no-color", ...args]);
const below = grade(template, "--fail-under", "1");
check("--fail-under 1 on 0 points exits 1", below.status === 1 && below.stdout.includes("Below the pass mark"), tail(below.output));
const zero = grade(template, "--fail-under", "0");
check("--fail-under 0 on 0 points exits 0", zero.status === 0, tail(zero.output));
const full = grade(join(root, "solutions"), "--fail-under", "100");
check("--fail-under 100 on full marks exits 0", full.status === 0 && /Score: (\d+)\/\1\b/.test(full.stdout), tail(full.output));
for (const bad of ["101", "-1", "ninety"]) {
  const refused = grade(template, "--fail-under", bad);
  check(`--fail-under ${bad} is refused with status 2`, refused.status === 2 && refused.stderr.includes("--fail-under takes a percentage"), tail(refused.output));
}

finish();
