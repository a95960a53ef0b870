/**
 * Orders two domain names (dotted text, trailing dot optional) in DNSSEC
 * canonical order (RFC 4034 §6.1): label by label from the right, each label
 * as ASCII-lowercased unsigned octets, a name sorting before the names below
 * it. Returns <0, 0 or >0.
 *
 * @example
 * ["b.test", "A.test", "test"].sort(compareCanonicalNames); // ["test", "A.test", "b.test"]
 */
export function compareCanonicalNames(a: string, b: string): number {
  const left = labelsOf(a);
  const right = labelsOf(b);
  for (let i = 1; i <= Math.min(left.length, right.length); i++) {
    const order = compareLabels(left[left.length - i], right[right.length - i]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function labelsOf(name: string): string[] {
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  return trimmed === "" ? [] : trimmed.split(".");
}

function compareLabels(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const order = lower(a.charCodeAt(i)) - lower(b.charCodeAt(i));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function lower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}
