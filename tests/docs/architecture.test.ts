// docs/architecture.md's "Imported by" column must name exactly the folders
// whose files import each module, so the table cannot drift from the code.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

/** Every module folder of src/: a new one needs its row in the table. */
const FOLDERS = readdirSync(join(REPO_ROOT, "src"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Importing folder (or "main") → imported folders, from the import lines of src/ and main.ts. */
function importGraph(): Map<string, Set<string>> {
  const importers = new Map(FOLDERS.map((folder) => [folder, new Set<string>()]));
  const files: [string, string][] = [["main", join(REPO_ROOT, "main.ts")]];
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(REPO_ROOT, "src", folder))) {
      if (file.endsWith(".ts")) files.push([folder, join(REPO_ROOT, "src", folder, file)]);
    }
  }
  for (const [from, path] of files) {
    for (const match of readFileSync(path, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
      const target = relative(join(REPO_ROOT, "src"), normalize(join(dirname(path), match[1])));
      const folder = target.split("/")[0];
      if (FOLDERS.includes(folder) && folder !== from) importers.get(folder)!.add(from);
    }
  }
  return importers;
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

describe("docs/architecture.md", () => {
  test("the table of who imports what matches the imports", () => {
    const actual = importGraph();
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
