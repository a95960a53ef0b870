#!/usr/bin/env bash
# Regenerates tests/fixtures/dnssec/ with tools independent of our code:
# openssl makes the keys, Python's `cryptography` converts them to the ldns/BIND
# private-key format, ldns-signzone signs a small zone with fixed inception and
# expiration, ldns-key2ds and dnssec-dsfromkey give DS records (and must agree),
# ldns-verify-zone and dnssec-verify must accept the signed zone. Tests read only
# the committed output (no tool needed at test time). Last, zones signed by our
# own code (tests/dnssec/sign_fixture_zone.ts) must pass both verifiers too.
# Needs: openssl, python3 with cryptography, ldnsutils, bind9-utils.
# Usage: scripts/make_dnssec_fixtures.sh   (from the repository root)
set -euo pipefail

OUT="tests/fixtures/dnssec"
INCEPTION=20261101000000
EXPIRATION=20261201000000
ZONES=(example.test alias-zone.example)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Zone content shared by every served zone (relative names). Owner names are
# lowercase: ldns keeps the case of NSEC next names (RFC 6840 §5.1), our builder
# lowercases every name, so mixed-case owners would make the RDATA differ.
# Mixed case in NS/SOA RDATA checks the RFC 4034 §6.2 lowercasing.
# The www A set is out of canonical order on purpose (3 < 20 as bytes).
write_zone() { # $1 = origin
  cat <<ZONE
\$ORIGIN $1.
\$TTL 3600
@ IN SOA NS1.$1. Hostmaster.$1. 2026112601 7200 3600 1209600 300
@ IN NS NS1.$1.
@ IN NS ns2.example.net.
@ 300 IN A 192.0.2.10
@ 300 IN AAAA 2001:db8::10
ns1 IN A 192.0.2.53
www 60 IN A 192.0.2.3
www 60 IN A 192.0.2.20
www 60 IN A 198.51.100.7
www 60 IN A 192.0.2.1
www 60 IN AAAA 2001:db8::10
www 60 IN AAAA 2001:db8::1
a 60 IN A 192.0.2.2
a-b 60 IN A 192.0.2.4
a0 60 IN A 192.0.2.5
ab 60 IN A 192.0.2.6
b.a 60 IN A 192.0.2.7
z 60 IN AAAA 2001:db8::7
api.eu 30 IN A 203.0.113.5
ZONE
}

for ALG in RSASHA256 ECDSAP256SHA256 ED25519; do
  DIR="$OUT/$(echo "$ALG" | tr 'A-Z' 'a-z')"
  mkdir -p "$DIR"
  case "$ALG" in
    RSASHA256)
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/key.pem" 2>/dev/null
      openssl pkey -in "$DIR/key.pem" -traditional -out "$DIR/key.pkcs1.pem" ;;
    ECDSAP256SHA256)
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/key.pem"
      openssl pkey -in "$DIR/key.pem" -traditional -out "$DIR/key.sec1.pem" ;;
    ED25519)
      openssl genpkey -algorithm ED25519 -out "$DIR/key.pem" ;;
  esac
  rm -f "$DIR"/*.signed
  for ZONE in "${ZONES[@]}"; do
    python3 - "$DIR/key.pem" "$ALG" "$ZONE" "$WORK/K$ZONE" <<'PY'
# Writes the ldns/BIND private-key file and the DNSKEY (flags 257) key file.
import base64, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
pem, alg, zone, base = sys.argv[1:]
key = serialization.load_pem_private_key(open(pem, "rb").read(), None)
b64 = lambda b: base64.b64encode(b).decode()
def big(n, size=None):
    return n.to_bytes(size or (n.bit_length() + 7) // 8, "big")
if alg == "RSASHA256":
    p = key.private_numbers(); n, e = p.public_numbers.n, p.public_numbers.e
    fields = [("Modulus", n), ("PublicExponent", e), ("PrivateExponent", p.d), ("Prime1", p.p),
              ("Prime2", p.q), ("Exponent1", p.dmp1), ("Exponent2", p.dmq1), ("Coefficient", p.iqmp)]
    private = "".join(f"{k}: {b64(big(v))}\n" for k, v in fields)
    public = bytes([len(big(e))]) + big(e) + big(n)
    number = 8
elif alg == "ECDSAP256SHA256":
    private = f"PrivateKey: {b64(big(key.private_numbers().private_value, 32))}\n"
    pub = key.public_key().public_numbers()
    public = big(pub.x, 32) + big(pub.y, 32)
    number = 13
else:
    raw = serialization.Encoding.Raw
    private = f"PrivateKey: {b64(key.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()))}\n"
    public = key.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    number = 15
open(base + ".private", "w").write(f"Private-key-format: v1.3\nAlgorithm: {number} ({alg})\n{private}")
open(base + ".key", "w").write(f"{zone}. 3600 IN DNSKEY 257 3 {number} {b64(public)}\n")
PY
    write_zone "$ZONE" > "$WORK/$ZONE.zone"
    ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" -o "$ZONE" -f "$DIR/$ZONE.signed" \
      "$WORK/$ZONE.zone" "$WORK/K$ZONE"
    ldns-verify-zone "$DIR/$ZONE.signed" >/dev/null
    dnssec-verify -q -z -o "$ZONE" "$DIR/$ZONE.signed"
    LDNS_DS="$(cd "$WORK" && ldns-key2ds -n -2 "K$ZONE.key")"
    BIND_DS="$(dnssec-dsfromkey -2 -f "$DIR/$ZONE.signed" "$ZONE")"
    python3 - "$LDNS_DS" "$BIND_DS" <<'PY'
import sys
norm = lambda s: [f.upper() for f in s.split() if f not in ("IN", "3600")]
if norm(sys.argv[1]) != norm(sys.argv[2]):
    sys.exit(f"DS disagree:\n ldns: {sys.argv[1]}\n bind: {sys.argv[2]}")
PY
    echo "$BIND_DS" > "$DIR/$ZONE.ds"
  done
  # One JSON per algorithm with every field the tests compare.
  python3 - "$DIR" "$ALG" "$INCEPTION" "$EXPIRATION" "${ZONES[@]}" <<'PY'
import calendar, json, sys, time
d, alg, inception, expiration, *zones = sys.argv[1:]
TYPES = {"A": 1, "NS": 2, "SOA": 6, "AAAA": 28, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48}
epoch = lambda s: calendar.timegm(time.strptime(s, "%Y%m%d%H%M%S"))
out = {"algorithm": alg, "inception": epoch(inception), "expiration": epoch(expiration), "zones": []}
for zone in zones:
    records, rrsigs, nsecs = [], [], []
    for line in open(f"{d}/{zone}.signed"):
        line = line.split(";")[0].strip()
        if not line:
            continue
        owner, ttl, cls, rtype, *data = line.split()
        owner = owner.rstrip(".")
        if rtype == "RRSIG":
            cov, a, labels, ottl, exp, inc, tag, signer, *sig = data
            rrsigs.append({"owner": owner, "ttl": int(ttl), "typeCovered": TYPES[cov], "algorithm": int(a),
                           "labels": int(labels), "originalTtl": int(ottl), "expiration": epoch(exp),
                           "inception": epoch(inc), "keyTag": int(tag), "signer": signer.rstrip("."),
                           "signature": "".join(sig)})
        elif rtype == "NSEC":
            nsecs.append({"owner": owner, "ttl": int(ttl), "next": data[0].rstrip("."),
                          "types": [TYPES[t] for t in data[1:]]})
        else:
            records.append({"owner": owner, "ttl": int(ttl), "type": TYPES[rtype], "data": data})
    ds = open(f"{d}/{zone}.ds").read().split()
    tag, a, digest_type, digest = ds[-4:]
    out["zones"].append({"origin": zone, "records": records, "rrsigs": rrsigs, "nsecs": nsecs,
                         "ds": {"keyTag": int(tag), "algorithm": int(a), "digestType": int(digest_type),
                                "digest": digest.upper()}})
json.dump(out, open(f"{d}/expected.json", "w"), indent=1)
open(f"{d}/expected.json", "a").write("\n")
PY
  echo "made $DIR"
done

# Keys loadSigningKey must refuse, each with its own one-line reason.
OTHER="$OUT/other"
mkdir -p "$OTHER"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out "$OTHER/rsa512.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$OTHER/p384.pem"
openssl pkey -in "$OTHER/p384.pem" -traditional -out "$OTHER/p384.sec1.pem"
openssl genpkey -algorithm ED448 -out "$OTHER/ed448.pem"
openssl ecparam -name prime256v1 -param_enc explicit -genkey -noout -out "$OTHER/p256.explicit.pem"
openssl pkey -in "$OUT/ecdsap256sha256/key.pem" -aes128 -passout pass:fixture -out "$OTHER/encrypted.pem"
openssl pkey -in "$OUT/rsasha256/key.pem" -traditional -aes128 -passout pass:fixture \
  -out "$OTHER/encrypted.pkcs1.pem"
openssl pkey -in "$OUT/ed25519/key.pem" -pubout -out "$OTHER/public.pem"
echo "made $OTHER"

# Finally, the other direction: zones signed by OUR code must satisfy both verifiers.
for ALG in RSASHA256 ECDSAP256SHA256 ED25519; do
  for ZONE in "${ZONES[@]}"; do
    npx deno run -A tests/dnssec/sign_fixture_zone.ts "$ALG" "$ZONE" > "$WORK/ours.zone"
    ldns-verify-zone "$WORK/ours.zone" >/dev/null
    dnssec-verify -q -z -o "$ZONE" "$WORK/ours.zone"
    echo "our $ALG signing of $ZONE: accepted by ldns-verify-zone and dnssec-verify"
  done
done
