#!/usr/bin/env bash
# Regenerates tests/fixtures/tsig/vectors.json with dnspython's TSIG (RFC 8945),
# an implementation independent of src/transfer/tsig.ts, so the tests check our
# digest against someone else's reading of the RFC, not against itself. For
# each algorithm we support, with a fixed key and a fixed clock:
#   - a signed AXFR query (no prior MAC);
#   - a signed response to it (the query's MAC as the prior MAC, §4.3.1);
#   - a BADTIME response carrying the server time as Other Data (error and
#     Other Len in the digest, §4.3.3, §5.2.3);
#   - a three-message AXFR response, every message signed: the first with the
#     query's MAC and every TSIG variable, the later ones with the previous
#     message's MAC and only the timers (§5.3.1).
# Each vector holds the message before signing and the signed message, in hex.
# Tests read only the committed output (no Python needed at test time).
# Needs: python3-dnspython (Debian). Usage: scripts/make_tsig_fixtures.sh
set -euo pipefail

OUT="tests/fixtures/tsig/vectors.json"
mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$OUT" <<'PY'
import json, struct, sys, time
import dns.message, dns.name, dns.rcode, dns.rdatatype, dns.rrset, dns.tsig, dns.version

NOW = 1796000000  # seconds since the epoch, as in tests/transfer/tsig.test.ts
FUDGE = 300
QUERY_ID = 0x4242
KEY_NAME = "xfr-key."
ZONE = "example.test."
# One fixed secret per algorithm (any bytes do; lengths differ on purpose).
SECRETS = {
    "hmac-sha1": "dGhlIHNoYTEga2V5IGZvciB0ZXN0cw==",
    "hmac-sha224": "dGhlIHNoYTIyNCBrZXkgZm9yIHRlc3RzIDAxMjM0NQ==",
    "hmac-sha256": "5C8vNd6bd1Ch0Yxg9hjXUCTR03ksHW0T8zUgJybmWfE=",
    "hmac-sha384": "aG1hYy1zaGEzODQgc2VjcmV0IGZvciB0aGUgdGVzdHMgb2YgaGVhbHRoeS1kbnM=",
    "hmac-sha512": "aG1hYy1zaGE1MTIgc2VjcmV0IGZvciB0aGUgdGVzdHMgb2YgaGVhbHRoeS1kbnMgLSBsb25nZXI=",
}

# dnspython signs with int(time.time()): fix the clock so the output is stable.
time.time = lambda: float(NOW)

def unsigned_of(signed, start):
    """The message before signing: TSIG cut, ARCOUNT - 1."""
    arcount = struct.unpack("!H", signed[10:12])[0] - 1
    return signed[:10] + struct.pack("!H", arcount) + signed[12:start]

def find_tsig_start(wire):
    """Walks the message to the start of its last record (the TSIG)."""
    counts = struct.unpack("!HHHH", wire[4:12])
    at = 12
    def skip_name(at):
        while True:
            length = wire[at]
            if length == 0:
                return at + 1
            if length & 0xC0 == 0xC0:
                return at + 2
            at += 1 + length
    for _ in range(counts[0]):
        at = skip_name(at) + 4
    last = None
    for _ in range(sum(counts[1:])):
        last = at
        at = skip_name(at)
        rdlength = struct.unpack("!H", wire[at + 8:at + 10])[0]
        at += 10 + rdlength
    assert at == len(wire)
    return last

def vector(signed, **extra):
    start = find_tsig_start(signed)
    return {"unsigned": unsigned_of(signed, start).hex(), "signed": signed.hex(), **extra}

def records(names):
    return [dns.rrset.from_text(f"{n}.{ZONE}", 60, "IN", "A", f"192.0.2.{i + 1}")
            for i, n in enumerate(names)]

soa = dns.rrset.from_text(ZONE, 3600, "IN", "SOA",
                          f"ns1.{ZONE} hostmaster.{ZONE} 2026112601 7200 3600 1209600 300")

vectors = []
for algorithm, secret in SECRETS.items():
    key = dns.tsig.Key(KEY_NAME, secret, algorithm)
    keyring = {key.name: key}

    query = dns.message.make_query(ZONE, dns.rdatatype.AXFR, use_edns=False, id=QUERY_ID)
    query.flags = 0
    query.use_tsig(keyring, key.name, fudge=FUDGE, algorithm=algorithm)
    query_wire = query.to_wire()
    query_mac = query.mac
    # dnspython checks its own work (and the fixed clock) on the way back in.
    received = dns.message.from_wire(query_wire, keyring=keyring)
    assert received.had_tsig

    response = dns.message.make_response(received)
    response.answer.append(soa)
    response_wire = response.to_wire()
    dns.message.from_wire(response_wire, keyring=keyring, request_mac=query_mac)

    badtime = dns.message.make_response(received)
    badtime.set_rcode(dns.rcode.NOTAUTH)
    badtime.use_tsig(keyring, key.name, fudge=FUDGE, algorithm=algorithm,
                     original_id=QUERY_ID, tsig_error=dns.rcode.BADTIME,
                     other_data=struct.pack("!HI", NOW >> 32, NOW & 0xFFFFFFFF))
    badtime.request_mac = query_mac
    badtime_wire = badtime.to_wire()

    # A transfer in three messages: SOA+records, records, records+SOA.
    parts = [[soa] + records(["a", "b"]), records(["c", "d"]), records(["e"]) + [soa]]
    stream = []
    ctx = None
    for i, rrsets in enumerate(parts):
        message = dns.message.make_response(received)
        for rrset in rrsets:
            message.answer.append(rrset)
        wire = message.to_wire(multi=True, tsig_ctx=ctx)
        ctx = message.tsig_ctx
        stream.append(vector(wire, timersOnly=i > 0))
    # dnspython reads its own stream back as a transfer client would.
    ctx = None
    for i, part in enumerate(stream):
        read = dns.message.from_wire(bytes.fromhex(part["signed"]), keyring=keyring,
                                     request_mac=query_mac if i == 0 else b"",
                                     xfr=True, origin=dns.name.from_text(ZONE),
                                     tsig_ctx=ctx, multi=True)
        ctx = read.tsig_ctx

    vectors.append({
        "algorithm": algorithm,
        "secret": secret,
        "query": vector(query_wire),
        "response": vector(response_wire),
        "badtime": vector(badtime_wire, error=dns.rcode.BADTIME),
        "transfer": stream,
    })

document = {
    "generator": f"scripts/make_tsig_fixtures.sh (dnspython {dns.version.version})",
    "keyName": KEY_NAME.rstrip("."),
    "timeSigned": NOW,
    "fudge": FUDGE,
    "originalId": QUERY_ID,
    "vectors": vectors,
}
with open(sys.argv[1], "w") as out:
    json.dump(document, out, indent=2)
    out.write("\n")
print(f"wrote {sys.argv[1]}: {len(vectors)} algorithms")
PY
