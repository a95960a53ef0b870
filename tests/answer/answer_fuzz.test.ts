/**
 * Property-based tests (fast-check) over the whole answer path: for any byte
 * string, random or a mutated valid query, `answerQuery` returns a parseable
 * response no larger than allowed or null, never throws, and never answers a
 * malformed query with data (oracle and checks: scripts/bench/harness/dns_fuzz.ts).
 * fast-check generates the inputs and, on a failure, shrinks it to a minimal
 * counterexample that the report prints.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { answerQuery } from "../../src/answer/answer_query.ts";
import { DNS } from "../../src/wire/constants.ts";
import { findEdnsOption } from "../../src/wire/parse_query.ts";
import type { Snapshot } from "../../src/zone/snapshot.ts";
import {
  droppable,
  fuzzSeeds,
  mutate,
  type Mutation,
  responseProblem,
  wellFormed,
} from "../../scripts/bench/harness/dns_fuzz.ts";
import { fixtureSnapshot, healthWithDown } from "../../scripts/bench/harness/zone_fixture.ts";

/** Runs per property; `HEALTHY_DNS_FUZZ_RUNS` raises it for a long local run. */
const RUNS = Number(globalThis.process?.env?.HEALTHY_DNS_FUZZ_RUNS ?? 3000);

/** The COOKIE option data (client cookie + 16-octet server cookie) as the server hands it over. */
const COOKIE = Uint8Array.from({ length: 24 }, (_, i) => i + 1);

let plain: Snapshot;
let signed: Snapshot;
before(async () => {
  plain = await fixtureSnapshot();
  signed = await fixtureSnapshot({ signed: true, health: healthWithDown("192.0.2.1") });
});

const byte = fc.integer({ min: 0, max: 255 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: byte }),
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("append" as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant("count" as const),
    field: fc.integer({ min: 2, max: 5 }),
    value: fc.integer({ min: 0, max: 3 }),
  }),
);

/** Any query: random bytes, or a valid query mutated a few times. */
const anyQuery = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.tuple(fc.constantFrom(...fuzzSeeds()), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, mutations]) => mutate(seed, mutations)),
);

describe("answerQuery under fuzzing (fast-check)", () => {
  for (const transport of ["udp", "tcp"] as const) {
    test(`${transport}: any bytes get a valid, bounded response or a justified drop`, () => {
      fc.assert(
        fc.property(anyQuery, fc.boolean(), fc.boolean(), (query, useSigned, withCookie) => {
          // As the server does: cookie bytes only for a query that carries a COOKIE option.
          const cookie = withCookie && findEdnsOption(query, DNS.OPTION_COOKIE) >= 0
            ? COOKIE
            : null;
          const response = answerQuery(query, useSigned ? signed : plain, transport, cookie);
          if (response === null) {
            assert.ok(droppable(query), "dropped a query with a readable header");
          } else {
            assert.equal(responseProblem(query, response, transport, cookie !== null), null);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }

  test("the oracle is not vacuous: mutated queries are both well formed and malformed", () => {
    let good = 0;
    let bad = 0;
    fc.assert(
      fc.property(anyQuery, (query) => {
        if (wellFormed(query)) good++;
        else bad++;
      }),
      { numRuns: 2000 },
    );
    assert.ok(good > 50 && bad > 50, `${good} well formed, ${bad} malformed`);
  });
});
