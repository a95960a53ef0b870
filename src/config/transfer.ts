/**
 * The `transfer` section: TSIG keys, secondaries and allowed ranges.
 */
import { canonicalIp } from "../wire/ip_address.ts";
import {
  DEFAULTS,
  type SecondaryConfig,
  type TransferConfig,
  type TsigAlgorithmName,
  type TsigKeyConfig,
} from "./config.ts";
import {
  assertUnique,
  quoteValue,
  readAddressRanges,
  readChoice,
  readInteger,
  readList,
  readMapping,
  readString,
} from "./value_readers.ts";
import type { Place } from "./settings.ts";
import { readDomainName } from "./names.ts";

/** Every TSIG algorithm we sign and verify with. */
export const TSIG_ALGORITHMS: readonly TsigAlgorithmName[] = [
  "hmac-sha256",
  "hmac-sha384",
  "hmac-sha512",
  "hmac-sha224",
  "hmac-sha1",
];

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function readKey(value: unknown, at: Place): TsigKeyConfig {
  const mapping = readMapping(value, at, ["name", "algorithm", "secret"]);
  const name = readDomainName(mapping.name, at.child("name"), "key name");
  const algorithm = mapping.algorithm === undefined || mapping.algorithm === null
    ? DEFAULTS.transfer.tsigAlgorithm
    : readChoice(mapping.algorithm, at.child("algorithm"), TSIG_ALGORITHMS);
  const secret = readString(mapping.secret, at.child("secret"), "a base64 secret");
  if (!BASE64.test(secret)) {
    at.child("secret").fail(`${quoteValue(secret)} is not base64 (make one with tsig-keygen)`);
  }
  return { name, algorithm, secret };
}

function readSecondary(value: unknown, at: Place, keys: readonly string[]): SecondaryConfig {
  const mapping = readMapping(value, at, ["address", "port", "key"]);
  const address = typeof mapping.address === "string" ? canonicalIp(mapping.address) : null;
  if (address === null) {
    return at.child("address").fail(`${quoteValue(mapping.address)} is not an IP address`);
  }
  const port = mapping.port === undefined || mapping.port === null
    ? DEFAULTS.transfer.secondaryPort
    : readInteger(mapping.port, at.child("port"), "port");
  const key = typeof mapping.key === "string" ? mapping.key.toLowerCase().replace(/\.$/, "") : "";
  if (!keys.includes(key)) {
    at.child("key").fail(
      `${quoteValue(mapping.key)} is not a key of transfer.tsig_keys (${keys.join(", ")})`,
    );
  }
  return { address, port, key };
}

/**
 * Reads the `transfer` section: `tsig_keys` (at least one; `algorithm`
 * defaults to hmac-sha256), `secondaries` (address, optional port, key),
 * optional `allow` (CIDR ranges) and the optional caps `max_transfers` and
 * `max_transfers_per_source` (counts ≥ 1). Key names must be unique and every
 * secondary must name a configured key.
 */
export function readTransfer(value: unknown, at: Place): TransferConfig {
  const mapping = readMapping(value, at, [
    "tsig_keys",
    "secondaries",
    "allow",
    "max_transfers",
    "max_transfers_per_source",
  ]);
  const keysAt = at.child("tsig_keys");
  const rawKeys = readList(mapping.tsig_keys ?? [], keysAt, "key");
  const tsigKeys = rawKeys.map((raw, i) => readKey(raw, keysAt.child(i)));
  const names = tsigKeys.map((key) => key.name);
  assertUnique(names, names, keysAt);
  const secondariesAt = at.child("secondaries");
  const secondaries = mapping.secondaries === undefined || mapping.secondaries === null
    ? []
    : readList(mapping.secondaries, secondariesAt, null).map((raw, i) =>
      readSecondary(raw, secondariesAt.child(i), names)
    );
  const allow = mapping.allow === undefined || mapping.allow === null
    ? []
    : readAddressRanges(mapping.allow, at.child("allow"));
  if (secondaries.length === 0 && allow.length === 0) {
    at.fail("names no secondaries and no allow ranges; nothing could transfer the zone");
  }
  const cap = (key: "max_transfers" | "max_transfers_per_source", fallback: number) =>
    mapping[key] === undefined || mapping[key] === null
      ? fallback
      : readInteger(mapping[key], at.child(key), "count");
  return {
    tsigKeys,
    secondaries,
    allow,
    maxTransfers: cap("max_transfers", DEFAULTS.transfer.maxTransfers),
    maxTransfersPerSource: cap("max_transfers_per_source", DEFAULTS.transfer.maxTransfersPerSource),
  };
}
