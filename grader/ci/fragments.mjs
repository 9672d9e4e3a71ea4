// fragments.mjs - finds pieces of the reference solutions in a folder: a file whose
// content is a solution's, or a run of RUN significant lines of a solution that its
// skeleton does not have too. Lines are compared trimmed and with spaces folded; blank
// lines and lines without a letter or digit (braces) do not count, so that neither
// re-indenting nor a removed brace hides a copy.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const RUN = 6;

function significantLines(text) {
  const lines = [];
  text.split("\n").forEach((line, i) => {
    const folded = line.trim().replace(/\s+/g, " ");
    if (/[A-Za-z0-9]/.test(folded)) lines.push({ text: folded, line: i + 1 });
  });
  return lines;
}

// Every run of RUN significant lines, as text -> the line it starts at.
function runs(text) {
  const lines = significantLines(text);
  const found = new Map();
  for (let i = 0; i + RUN <= lines.length; i++) {
    const key = lines.slice(i, i + RUN).map((l) => l.text).join("\n");
    if (!found.has(key)) found.set(key, lines[i].line);
  }
  return found;
}

export function filesUnder(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

// The solutions' pieces: { runs: Map(text -> "solutions/..:line"), whole: Map(text -> path) }.
export function solutionPieces(workbook) {
  const pieces = { runs: new Map(), whole: new Map() };
  const solutions = join(workbook, "solutions");
  for (const path of filesUnder(solutions)) {
    const rel = relative(solutions, path); // NN-topic/src/x.c, as in chapters/
    const text = read(path);
    const skeleton = runs(read(join(workbook, "chapters", rel)));
    pieces.whole.set(significantLines(text).map((l) => l.text).join("\n"), `solutions/${rel}`);
    for (const [key, line] of runs(text))
      if (!skeleton.has(key)) pieces.runs.set(key, `solutions/${rel}:${line}`);
  }
  return pieces;
}

// Where pieces of a solution are in dir: ["dir/file:line holds solutions/...:line"].
export function findPieces(dir, pieces) {
  const hits = [];
  for (const path of filesUnder(dir)) {
    if (statSync(path).size > 4 << 20) continue;
    const text = read(path);
    const whole = pieces.whole.get(significantLines(text).map((l) => l.text).join("\n"));
    if (whole && text.trim() !== "") hits.push(`${relative(dir, path)} is ${whole}`);
    for (const [key, line] of runs(text))
      if (pieces.runs.has(key)) hits.push(`${relative(dir, path)}:${line} holds ${RUN} lines of ${pieces.runs.get(key)}`);
  }
  return hits;
}
