import type { Fragment } from "../wire/fragment.ts";
import type { PreparedAnswer } from "./snapshot.ts";

function count(fragments: readonly Fragment[]): number {
  return fragments.reduce((sum, fragment) => sum + fragment.count, 0);
}

/** A frozen `PreparedAnswer` with its section counts summed from the fragments. */
export function preparedAnswer(
  rcode: number,
  answer: readonly Fragment[],
  authority: readonly Fragment[],
): PreparedAnswer {
  return Object.freeze({
    rcode,
    answerCount: count(answer),
    authorityCount: count(authority),
    answer: Object.freeze(answer),
    authority: Object.freeze(authority),
  });
}
