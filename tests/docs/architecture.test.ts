// The import graph of src/ keeps the architecture: imports only go to folders
// earlier in FOLDER_ORDER, no file imports itself back through others, and
// docs/architecture.md's "Imported by" column names exactly the folders whose
// files import each module, so the table cannot drift from the code.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

/**
 * The folders of src/, lowest first: a file may import only from its own
 * folder and from folders before it (main.ts may import anything). Adding a
 * folder means giving it its place here.
 */
const FOLDER_ORDER = [
  "wire",
  "runtime",
  "config",
  "observe",
  "dnssec",
  "health",
  "zone",
  "answer",
  "rrl",
  "cookies",
  "transfer",
  "server",
  "cli",
] as const;

/** Every module folder of src/: a new one needs its row in the table. */
const FOLDERS = readdirSync(join(REPO_ROOT, "src"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** File (path from the repository root, e.g. `src/zone/snapshot.ts`) → the files it imports. */
type FileGraph = Map<string, Set<string>>;

/**
 * Every relative import of main.ts and the files of src/: static (`from "…"`,
 * `import "…"`, types-only included) and dynamic (`import("…")`).
 */
function fileGraph(): FileGraph {
  const files = ["main.ts"];
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(REPO_ROOT, "src", folder))) {
      if (file.endsWith(".ts")) files.push(join("src", folder, file));
    }
  }
  const graph: FileGraph = new Map();
  for (const file of files) {
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    const targets = new Set<string>();
    for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = normalize(join(dirname(file), match[1]));
      // Data read from outside src/ (package.json for the version) is no module of the graph.
      if (target.startsWith("src/")) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The src/ folder of a file, or "main" for main.ts (and anything outside src/). */
function folderOf(file: string): string {
  const parts = file.split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1] : "main";
}

/**
 * Imports that go up (into a folder later in `order`) or into a folder not
 * in `order`, as `from → to` lines. main.ts may import anything.
 */
function upwardImports(graph: FileGraph, order: readonly string[]): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    const own = folderOf(from);
    if (own === "main") continue;
    for (const to of targets) {
      const target = folderOf(to);
      if (target === own) continue;
      if (
        !order.includes(own) || !order.includes(target) ||
        order.indexOf(target) > order.indexOf(own)
      ) {
        found.push(`${from} → ${to}`);
      }
    }
  }
  return found.sort();
}

/** One cycle of `graph` as a path `a → b → … → a`, or null when it has none. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (node: string): string | null => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node].join(" → ");
    if (done.has(node)) return null;
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

/** Folder → the other folders its files import (main.ts as "main"). */
function folderGraph(files: FileGraph): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [from, targets] of files) {
    const edges = graph.get(folderOf(from)) ?? new Set<string>();
    graph.set(folderOf(from), edges);
    for (const to of targets) if (folderOf(to) !== folderOf(from)) edges.add(folderOf(to));
  }
  return graph;
}

/** Importing folder (or "main") → imported folders, from the import lines of src/ and main.ts. */
function importers(): Map<string, Set<string>> {
  const result = new Map(FOLDERS.map((folder) => [folder, new Set<string>()]));
  for (const [from, targets] of folderGraph(fileGraph())) {
    for (const to of targets) result.get(to)?.add(from);
  }
  return result;
}

/** Module folder → the folder names its "Imported by" cell mentions. */
function documented(): Map<string, Set<string>> {
  const text = readFileSync(join(REPO_ROOT, "docs", "architecture.md"), "utf8");
  const rows = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const module = /^`src\/(\w+)`$/.exec(cells[1] ?? "")?.[1];
    if (module === undefined) continue;
    // Words inside backticks are file and function names, not folders.
    const words = cells[3].replace(/`[^`]*`/g, "").match(/\b\w+\b/g) ?? [];
    rows.set(module, new Set(words.filter((word) => [...FOLDERS, "main"].includes(word))));
  }
  return rows;
}

describe("the import graph of src/", () => {
  test("every folder has its place in the order, and the order names no missing folder", () => {
    assert.deepEqual([...FOLDER_ORDER].sort(), FOLDERS);
  });

  test("no import goes up the order (into a later folder)", () => {
    assert.deepEqual(upwardImports(fileGraph(), FOLDER_ORDER), []);
  });

  test("no import cycle between files, nor between folders", () => {
    assert.equal(findCycle(fileGraph()), null);
    assert.equal(findCycle(folderGraph(fileGraph())), null);
  });

  test("the checks see what they look for: an upward import and a cycle in a made-up graph", () => {
    const graph: FileGraph = new Map([
      ["src/wire/bytes.ts", new Set(["src/server/dns_server.ts"])],
      ["src/server/dns_server.ts", new Set(["src/wire/bytes.ts", "src/server/status.ts"])],
      ["src/server/status.ts", new Set<string>()],
      ["main.ts", new Set(["src/cli/main_cli.ts"])],
    ]);
    assert.deepEqual(upwardImports(graph, FOLDER_ORDER), [
      "src/wire/bytes.ts → src/server/dns_server.ts",
    ]);
    assert.equal(
      findCycle(graph),
      "src/server/dns_server.ts → src/wire/bytes.ts → src/server/dns_server.ts",
    );
    graph.get("src/wire/bytes.ts")!.clear();
    assert.deepEqual(upwardImports(graph, FOLDER_ORDER), []);
    assert.equal(findCycle(graph), null);
  });
});

describe("docs/architecture.md", () => {
  test("the table of who imports what matches the imports", () => {
    const actual = importers();
    const table = documented();
    assert.deepEqual([...table.keys()].sort(), FOLDERS);
    for (const folder of FOLDERS) {
      assert.deepEqual(
        [...table.get(folder)!].sort(),
        [...actual.get(folder)!].sort(),
        `src/${folder}`,
      );
    }
  });
});
