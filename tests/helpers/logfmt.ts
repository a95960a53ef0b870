/**
 * A strict logfmt reader for tests (independent of the server's writer):
 * `key=value` pairs separated by single spaces; a key is one or more
 * characters other than space, `=` and `"`; a value is bare (no space, `=`,
 * `"` or control character) or double-quoted with JSON escapes. Returns null
 * when the line is not logfmt, so a test can say which line is not.
 */
export function parseLogfmt(line: string): Record<string, string> | null {
  const pairs: Record<string, string> = {};
  // deno-lint-ignore no-control-regex -- a control character may not appear unescaped
  const pair = /([^\s="]+)=("(?:[^"\\\x00-\x1f]|\\.)*"|[^\s="\x00-\x1f]*)(?: |$)/y;
  let at = 0;
  while (at < line.length) {
    pair.lastIndex = at;
    const match = pair.exec(line);
    if (match === null) return null;
    const [, key, raw] = match;
    if (Object.hasOwn(pairs, key)) return null;
    try {
      pairs[key] = raw.startsWith('"') ? JSON.parse(raw) : raw;
    } catch {
      return null;
    }
    at = pair.lastIndex;
  }
  return line.length > 0 && !line.endsWith(" ") ? pairs : null;
}
