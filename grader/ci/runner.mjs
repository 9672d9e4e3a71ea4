// runner.mjs - runs one job of a GitHub workflow on this machine the way GitHub's runner
// would, for what this project's workflows use. `run:` steps run in bash
// (--noprofile --norc -eo pipefail) in GITHUB_WORKSPACE, with fresh GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_ENV files per step, `${{ }}` expressions and `if:`
// conditions (success() implied). The actions have stand-ins: actions/checkout copies a
// local checkout of the repository it names, actions/upload-artifact records which files it
// would keep, and classroom-resources/autograding-grading-reporter does what its source
// (src/main.js, src/notify-classroom.js) does with the runners' payloads. Any other action,
// or an expression this file cannot read, fails the step rather than being skipped.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
         rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(join(root, "build/ci-node/node_modules/noop.js"));
const YAML = require("yaml");

// ---- expressions: ${{ }} with contexts, literals, == != && || !, status functions ----

function tokenize(text) {
  const tokens = [];
  const pattern = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||[!()])|([A-Za-z_][A-Za-z0-9_.-]*)|(\d+(?:\.\d+)?))/y;
  let at = 0;
  while (text.slice(at).trim() !== "") {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (m === null) throw new Error(`cannot read the expression '${text}'`);
    at = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: "string", value: m[1].slice(1, -1).replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ kind: "op", value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "name", value: m[3] });
    else tokens.push({ kind: "number", value: Number(m[4]) });
  }
  return tokens;
}

// GitHub's loose equality: strings compare case-insensitively, other types as numbers.
function looseEquals(a, b) {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  const number = (v) => (v === null ? 0 : Number(v)); // '' and false are 0, true is 1
  return number(a) === number(b);
}

const truthy = (v) => v !== null && v !== false && v !== 0 && v !== "" && !Number.isNaN(v);

function evaluate(text, ctx) {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = (value) => {
    if (!peek() || peek().value !== value) throw new Error(`expected '${value}' in '${text}'`);
    i++;
  };
  const primary = () => {
    const t = tokens[i++];
    if (!t) throw new Error(`'${text}' ends too soon`);
    if (t.kind === "string" || t.kind === "number") return t.value;
    if (t.kind === "op" && t.value === "!") return !truthy(primary());
    if (t.kind === "op" && t.value === "(") { const v = or(); take(")"); return v; }
    if (t.kind !== "name") throw new Error(`unexpected '${t.value}' in '${text}'`);
    if (["true", "false", "null"].includes(t.value)) return JSON.parse(t.value);
    if (peek() && peek().value === "(") {
      take("("); take(")");
      const f = ctx.functions[t.value];
      if (!f) throw new Error(`the function ${t.value}() is not emulated`);
      return f();
    }
    return lookup(ctx, t.value);
  };
  const comparison = () => {
    let v = primary();
    while (peek() && (peek().value === "==" || peek().value === "!=")) {
      const op = tokens[i++].value, w = primary();
      v = op === "==" ? looseEquals(v, w) : !looseEquals(v, w);
    }
    return v;
  };
  const and = () => { let v = comparison(); while (peek() && peek().value === "&&") { i++; const w = comparison(); v = truthy(v) ? w : v; } return v; };
  const or = () => { let v = and(); while (peek() && peek().value === "||") { i++; const w = and(); v = truthy(v) ? v : w; } return v; };
  const value = or();
  if (i !== tokens.length) throw new Error(`cannot read the expression '${text}'`);
  return value;
}

function lookup(ctx, path) {
  const [head, ...rest] = path.split(".");
  if (!(head in ctx.contexts)) throw new Error(`the context '${head}' is not emulated`);
  let v = ctx.contexts[head];
  for (const key of rest) v = v !== null && typeof v === "object" && key in v ? v[key] : null;
  return v === undefined ? null : v;
}

const asText = (v) => (v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

function interpolate(text, ctx) {
  return String(text).replace(/\$\{\{(.*?)\}\}/gs, (_, expr) => asText(evaluate(expr, ctx)));
}

// An `if:` is an expression with or without ${{ }}; without a status function it means
// success() && (it).
function condition(text, ctx) {
  if (text === undefined) return ctx.functions.success();
  let expr = String(text).trim();
  const wrapped = expr.match(/^\$\{\{(.*)\}\}$/s);
  if (wrapped) expr = wrapped[1];
  if (!/\b(always|success|failure|cancelled)\(\)/.test(expr)) expr = `success() && (${expr})`;
  return truthy(evaluate(expr, ctx));
}

// condition() with given contexts and whether a step failed before: for tests.
export function ifHolds(text, contexts, failedBefore = false) {
  return condition(text, {
    contexts: { github: {}, env: {}, steps: {}, ...contexts },
    functions: { always: () => true, success: () => !failedBefore, failure: () => failedBefore, cancelled: () => false },
  });
}

// ---- workflow commands and files ----

const decode = (s) => s.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%3A/gi, ":").replace(/%2C/gi, ",").replace(/%25/g, "%");

function workflowCommands(stdout, step) {
  const found = [];
  for (const line of stdout.split("\n")) {
    const m = line.match(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/);
    if (!m) continue;
    const props = {};
    for (const pair of (m[2] || "").split(",").filter(Boolean)) {
      const eq = pair.indexOf("=");
      props[pair.slice(0, eq)] = decode(pair.slice(eq + 1));
    }
    found.push({ level: m[1], ...props, message: decode(m[3]), step });
  }
  return found;
}

// GITHUB_OUTPUT and GITHUB_ENV: NAME=value lines, or NAME<<DELIMITER ... DELIMITER.
function keyValues(file) {
  const values = {};
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n") : [];
  for (let i = 0; i < lines.length; i++) {
    const heredoc = lines[i].match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      values[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (lines[i].includes("=")) {
      const eq = lines[i].indexOf("=");
      values[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return values;
}

// ---- the stand-ins for actions ----

// The files of a checkout: those git knows (tracked, or untracked and not ignored), else
// every file but .git/, build/ and bin/ (what a clone would not have).
function checkoutFiles(dir) {
  const git = spawnSync("git", ["-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" });
  if (git.status === 0) return git.stdout.split("\0").filter(Boolean);
  const walk = (rel) => readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? join(rel, e.name) : e.name;
    if (!rel && [".git", "build", "bin"].includes(e.name)) return [];
    return e.isDirectory() ? walk(child) : [child];
  });
  return walk("");
}

function copyCheckout(from, to) {
  mkdirSync(to, { recursive: true });
  for (const file of checkoutFiles(from)) {
    const src = join(from, file);
    if (!existsSync(src) || !statSync(src).isFile()) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(src, join(to, file));
    chmodSync(join(to, file), statSync(src).mode);
  }
}

const actions = {
  "actions/checkout"(step, job) {
    const repository = step.with.repository;
    if (!repository) {
      if (!existsSync(job.workspace)) throw new Error("the workspace holds no repository");
      return `the workspace already holds the repository`;
    }
    const local = job.checkouts[repository];
    if (!local) throw new Error(`this emulation holds no copy of ${repository}`);
    if (local.ref !== undefined && step.with.ref !== local.ref)
      throw new Error(`the workflow asks for ${repository} at '${step.with.ref}', not '${local.ref}'`);
    copyCheckout(local.dir, resolve(job.workspace, step.with.path || "."));
    return `copied ${local.dir} as ${repository}@${step.with.ref} into ${step.with.path || "."}`;
  },
  "actions/upload-artifact"(step, job) {
    const paths = String(step.with.path || "").split("\n").map((p) => p.trim()).filter(Boolean);
    const kept = paths.filter((p) => existsSync(resolve(job.workspace, p)));
    job.result.artifacts.push({ name: step.with.name, kept, missing: paths.filter((p) => !kept.includes(p)) });
    if (kept.length === 0 && step.with["if-no-files-found"] === "error") throw new Error("no files found");
    return `would keep ${kept.join(", ") || "nothing"}`;
  },
  // src/main.js and src/notify-classroom.js of the reporter, on the step's environment.
  "classroom-resources/autograding-grading-reporter"(step, job, env) {
    const runners = String(step.with.runners || "").split(/[\s,]/).filter(Boolean).map((runner) => {
      const encoded = env[`${runner.trim().toUpperCase()}_RESULTS`];
      if (encoded === undefined) throw new Error(`no ${runner.trim().toUpperCase()}_RESULTS in the step's environment`);
      return { runner, results: JSON.parse(Buffer.from(encoded, "base64").toString("utf-8")) };
    });
    let totalPoints = 0, maxPoints = 0;
    for (const { results } of runners) {
      if (!results.max_score) continue;
      maxPoints += results.max_score;
      results.tests.forEach(({ score }) => { totalPoints += score; });
    }
    job.result.reporter = { runners, totalPoints, maxPoints };
    if (maxPoints) {
      job.result.annotations.push({ level: "notice", title: "Autograding complete", message: `Points ${totalPoints}/${maxPoints}`, step: step.name });
      job.result.annotations.push({ level: "notice", title: "Autograding report", message: JSON.stringify({ totalPoints, maxPoints }), step: step.name });
    }
    if (runners.some((r) => r.results.status === "fail")) throw new Error("Some tests failed.");
    if (runners.some((r) => r.results.status === "error")) throw new Error("Some tests errored.");
    return `Points ${totalPoints}/${maxPoints}`;
  },
};

// ---- steps and the job ----

// The runner starts an action's program with the step's environment: Linux refuses any
// one variable beyond MAX_ARG_STRLEN (32 pages) with E2BIG, and the step fails.
const MAX_ARG_STRLEN = 131072;
function checkEnvironmentSize(env) {
  for (const [name, value] of Object.entries(env)) {
    const bytes = Buffer.byteLength(`${name}=${value}`) + 1;
    if (bytes > MAX_ARG_STRLEN)
      throw new Error(`the environment variable ${name} is ${bytes} bytes, beyond Linux's ${MAX_ARG_STRLEN} for one (E2BIG)`);
  }
}

function runScript(step, job, env, ctx, files) {
  const script = join(job.temp, `step-${job.result.steps.length}.sh`);
  writeFileSync(script, interpolate(step.run, ctx));
  const cwd = resolve(job.workspace, step["working-directory"] || ".");
  const minutes = step["timeout-minutes"] || job.spec["timeout-minutes"] || 360;
  const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
    cwd, env: { ...process.env, ...job.runnerEnv, ...files, ...env }, encoding: "utf8",
    maxBuffer: 256 << 20, timeout: minutes * 60000,
  });
  return { exitCode: run.status, stdout: run.stdout || "", stderr: (run.stderr || "") + (run.error ? `\n${run.error.message}` : "") };
}

function runStep(step, job, ctx) {
  const env = { ...job.env };
  for (const [k, v] of Object.entries(step.env || {})) env[k] = interpolate(v, { ...ctx, contexts: { ...ctx.contexts, env } });
  const stepCtx = { ...ctx, contexts: { ...ctx.contexts, env } };
  const n = job.result.steps.length;
  const files = Object.fromEntries(["OUTPUT", "STEP_SUMMARY", "ENV", "PATH"].map((f) => [`GITHUB_${f}`, join(job.temp, `${f.toLowerCase()}-${n}`)]));
  for (const f of Object.values(files)) writeFileSync(f, "");
  const record = { name: step.name || step.run || step.uses, id: step.id, exitCode: 0, stdout: "", stderr: "" };
  try {
    if (step.run !== undefined) {
      Object.assign(record, runScript(step, job, env, stepCtx, files));
    } else {
      const action = actions[String(step.uses).replace(/@.*$/, "")];
      if (!action) throw new Error(`the action ${step.uses} is not emulated`);
      checkEnvironmentSize(env);
      const withs = Object.fromEntries(Object.entries(step.with || {}).map(([k, v]) => [k, interpolate(v, stepCtx)]));
      record.stdout = action({ ...step, with: withs }, job, env) + "\n";
    }
  } catch (error) {
    record.exitCode = 1;
    record.stderr += `${error.message}\n`;
  }
  job.result.annotations.push(...workflowCommands(record.stdout, record.name));
  job.result.summary += readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
  Object.assign(job.env, keyValues(files.GITHUB_ENV));
  record.outputs = keyValues(files.GITHUB_OUTPUT);
  record.outcome = record.exitCode === 0 ? "success" : "failure";
  return record;
}

// Runs job `jobName` of the workflow file. workspace: the folder holding the repository
// being tested (GITHUB_WORKSPACE). checkouts: { "owner/name": { dir, ref } } for the
// repositories that actions/checkout may fetch (ref, when given, must be the one asked).
// github: values of the github context (actor, repository, sha, ...).
export function runJob({ workflow, jobName, workspace, checkouts = {}, github = {} }) {
  const spec = YAML.parse(readFileSync(workflow, "utf8"));
  const jobSpec = spec.jobs[jobName];
  if (!jobSpec) throw new Error(`${workflow} has no job ${jobName}`);
  const temp = mkdtempSync(join(tmpdir(), "runner-"));
  const job = {
    spec: jobSpec, workspace: resolve(workspace), checkouts, temp, env: {},
    result: { conclusion: "success", steps: [], summary: "", annotations: [], artifacts: [], reporter: null },
  };
  const steps = {};
  const githubCtx = { workspace: job.workspace, actor: "student", repository: "student/workbook", sha: "0".repeat(40), event_name: "push", ...github };
  const ctx = {
    contexts: { github: githubCtx, env: job.env, steps, secrets: {}, runner: { temp, os: "Linux" }, inputs: {} },
    functions: { always: () => true, success: () => true, failure: () => false, cancelled: () => false },
  };
  job.runnerEnv = { CI: "true", GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: job.workspace, RUNNER_TEMP: temp,
                    GITHUB_ACTOR: githubCtx.actor, GITHUB_REPOSITORY: githubCtx.repository, GITHUB_SHA: githubCtx.sha };
  try {
    for (const [k, v] of Object.entries({ ...spec.env, ...jobSpec.env })) job.env[k] = interpolate(v, ctx);
    if (!condition(jobSpec.if, ctx)) {
      job.result.conclusion = "skipped";
      return job.result;
    }
    runSteps(jobSpec.steps, job, ctx, steps);
    return job.result;
  } finally {
    rmSync(temp, { recursive: true, force: true }); // as RUNNER_TEMP is, after a job
  }
}

function runSteps(specs, job, ctx, steps) {
  let failed = false;
  ctx.functions.success = () => !failed;
  ctx.functions.failure = () => failed;
  for (const step of specs) {
    if (!condition(step.if, ctx)) {
      job.result.steps.push({ name: step.name, id: step.id, outcome: "skipped" });
      if (step.id) steps[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
      continue;
    }
    const record = runStep(step, job, ctx);
    job.result.steps.push(record);
    const conclusion = record.outcome === "failure" && step["continue-on-error"] ? "success" : record.outcome;
    if (step.id) steps[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion };
    failed = failed || conclusion === "failure";
  }
  job.result.conclusion = failed ? "failure" : "success";
}
