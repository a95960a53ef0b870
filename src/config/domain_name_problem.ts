/** Longest name in text form without the trailing dot (RFC 1035: 255 octets on the wire). */
export const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LDH = /^[a-z0-9-]+$/;

/**
 * What is wrong with a lowercase domain name written without a trailing dot,
 * or null when it is a valid host name: dot-separated labels of letters,
 * digits and hyphens, none starting or ending with a hyphen, at most 63
 * characters each and 253 in all.
 */
export function domainNameProblem(name: string): string | null {
  if (name === "") return "it is empty";
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  for (const label of name.split(".")) {
    if (label === "") return "it has an empty label";
    if (label.length > MAX_LABEL_LENGTH) {
      return `label "${label}" is longer than ${MAX_LABEL_LENGTH} characters`;
    }
    if (!LDH.test(label)) {
      return `label ${JSON.stringify(label)} may hold only letters, digits and hyphens`;
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return `label "${label}" starts or ends with a hyphen`;
    }
  }
  return null;
}
