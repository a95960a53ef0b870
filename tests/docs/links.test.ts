// The docs explain the repository from inside it: no pointer outside it (an
// absolute path or ../), every relative link resolves to a file, and a page
// that mentions the Python original links to it.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

const ORIGINAL = "https://github.com/indisoluble/a-healthy-dns";

/** Every Markdown page of the repository (top level, docs/, packaging/, examples/). */
function pages(): string[] {
  const found = readdirSync(REPO_ROOT).filter((file) => file.endsWith(".md"));
  for (const dir of ["docs", "packaging", "examples"]) {
    if (!existsSync(join(REPO_ROOT, dir))) continue;
    for (const file of readdirSync(join(REPO_ROOT, dir))) {
      if (file.endsWith(".md")) found.push(join(dir, file));
    }
  }
  return found;
}

describe("documentation", () => {
  test("no page points outside the repository", () => {
    for (const page of pages()) {
      const text = readFileSync(join(REPO_ROOT, page), "utf8");
      assert.doesNotMatch(text, /\/work\/|\.\.\/shared|dns-contract\.md/, page);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // a web address
        assert.ok(existsSync(join(REPO_ROOT, dirname(page), target)), `${page}: link to ${target}`);
      }
    }
  });

  test("a page that mentions the Python original links to it", () => {
    for (const page of pages()) {
      const text = readFileSync(join(REPO_ROOT, page), "utf8");
      if (/Python original|a-healthy-dns/.test(text)) assert.ok(text.includes(ORIGINAL), page);
    }
  });
});
