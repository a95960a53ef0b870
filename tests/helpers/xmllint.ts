import { spawnSync } from "node:child_process";

/**
 * Reads XML with libxml2's `xmllint` (Debian package libxml2-utils), an XML
 * parser independent of the code under test. `problems` is empty when the
 * document is well-formed; `xpath` evaluates an XPath 1.0 expression.
 */
export interface ParsedXml {
  readonly problems: string;
  xpath(expression: string): string;
}

/** Parses `text` with xmllint; throws when xmllint itself is missing. */
export function parseXml(text: string): ParsedXml {
  const run = (args: readonly string[]) => {
    const result = spawnSync("xmllint", [...args, "-"], { input: text, encoding: "utf8" });
    if (result.error) {
      throw new Error(`xmllint: ${result.error.message} (apt-get install libxml2-utils)`);
    }
    return result;
  };
  const check = run(["--noout"]);
  return {
    problems: check.status === 0 ? "" : check.stderr || `xmllint exited ${check.status}`,
    xpath(expression) {
      const result = run(["--xpath", expression]);
      if (result.status !== 0) throw new Error(`xmllint --xpath ${expression}: ${result.stderr}`);
      return result.stdout.trim();
    },
  };
}
