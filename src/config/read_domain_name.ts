import { domainNameProblem } from "./domain_name_problem.ts";
import type { Place } from "./place.ts";
import { quoteValue } from "./value_readers.ts";

/**
 * Reads a domain name written without the trailing dot and returns it
 * lowercase. `noun` names it in messages ("domain name", "record name").
 */
export function readDomainName(value: unknown, at: Place, noun: string): string {
  if (typeof value !== "string") at.fail(`${quoteValue(value)} is not a ${noun}`);
  if (value.endsWith(".") && value !== ".") {
    at.fail(`${quoteValue(value)} ends with a dot; write ${quoteValue(value.slice(0, -1))}`);
  }
  const name = value.toLowerCase();
  const problem = domainNameProblem(name);
  if (problem !== null) at.fail(`${quoteValue(value)} is not a valid ${noun}: ${problem}`);
  return name;
}
