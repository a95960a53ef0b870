import { type Document, isMap, isScalar, isSeq, parseDocument } from "yaml";

/**
 * True when some mapping at or below `node` repeats a scalar key (the
 * library's own test). A plain recursion: the library's `visit` copies the
 * path at every node, which cost ~20 MiB on 10,000 records.
 */
function repeatsKey(node: unknown): boolean {
  if (isSeq(node)) return node.items.some(repeatsKey);
  if (!isMap(node)) return false;
  const seen = new Set<unknown>();
  for (const { key, value } of node.items) {
    if (isScalar(key)) {
      if (seen.has(key.value)) return true;
      seen.add(key.value);
    }
    if (repeatsKey(key) || repeatsKey(value)) return true;
  }
  return false;
}

/**
 * `parseDocument(text)` with the same result and errors, but linear in the
 * number of keys: the library checks unique keys by comparing each new key
 * with every earlier one of its mapping (a 10,000-record file took ~1.2 s
 * of its ~1.6 s there). The text is parsed without that check, the keys are
 * checked with a set, and only a document with an error or a repeated key is
 * parsed again the library's way, so its messages and their order are kept.
 */
export function parseYamlDocument(text: string): Document {
  const document = parseDocument(text, { uniqueKeys: false });
  return document.errors.length > 0 || repeatsKey(document.contents)
    ? parseDocument(text)
    : document;
}
