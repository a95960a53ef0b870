/** True when `name` equals `zone` or lies below it (both lowercase, no trailing dot). */
export function isAtOrBelow(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}
