/**
 * The RRSIG Labels field for an owner name (RFC 4034 §3.1.3): its label
 * count, not counting the root nor a leading "*" wildcard label.
 *
 * @example
 * labelCount("www.example.test"); // 3
 */
export function labelCount(owner: string): number {
  const trimmed = owner.endsWith(".") ? owner.slice(0, -1) : owner;
  if (trimmed === "") return 0;
  const labels = trimmed.split(".");
  return labels[0] === "*" ? labels.length - 1 : labels.length;
}
