// check.mjs - what the CI test scripts share: named checks that print "ok" or "not ok" and
// end with the plain "N passed, N failed" line; running commands; reading JSON.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

let passed = 0;
let failed = 0;

// Records one check; detail (a string, or a function making one) is shown when it fails.
export function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
    return true;
  }
  failed++;
  const text = typeof detail === "function" ? detail() : detail;
  console.log(`not ok - ${name}${text ? `\n  ${String(text).trim().split("\n").join("\n  ")}` : ""}`);
  return false;
}

// Prints the closing line and exits with the verdict.
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// Runs a command (no shell) from the workbook's root unless cwd says otherwise.
export function run(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 256 << 20, ...options });
  if (r.error) throw new Error(`cannot run ${command}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

export function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return { error: error.message };
  }
}

// The last lines of a long text, for a failure's detail.
export const tail = (text, lines = 30) => String(text).trim().split("\n").slice(-lines).join("\n");
