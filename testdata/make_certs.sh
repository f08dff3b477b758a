#!/bin/sh
# Copyright 2026 the happy-eyeballs authors. MIT license.
#
# Regenerates the TLS test fixtures in this folder (see README.md).
# Usage: sh testdata/make_certs.sh   (from anywhere; needs openssl >= 1.1.1
# and GNU date); sh testdata/make_certs.sh escape_name makes only that one.
set -eu

cd "$(dirname "$0")"
# Valid from yesterday (tolerates a clock that is a little behind) for about
# 50 years.
START=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
END=$(date -u -d '+50 years' +%Y%m%d%H%M%SZ)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# sign NAME ISSUER EXTENSIONS [-selfsign]: signs $WORK/NAME.csr with
# ISSUER.key into NAME.pem, adding the extensions in $WORK/NAME.ext.
sign() {
  mkdir -p "$WORK/db-$1"
  : >"$WORK/db-$1/index.txt"
  cat >"$WORK/$1.ca.cnf" <<CNF
[ca]
default_ca = ca
[ca]
database = $WORK/db-$1/index.txt
new_certs_dir = $WORK/db-$1
rand_serial = yes
default_md = sha256
policy = policy
unique_subject = no
copy_extensions = none
[policy]
organizationName = supplied
commonName = supplied
CNF
  cert_arg="-cert $2.pem"
  if [ "${3:-}" = "-selfsign" ]; then cert_arg="-selfsign"; fi
  # shellcheck disable=SC2086
  openssl ca -batch -notext -config "$WORK/$1.ca.cnf" $cert_arg \
    -keyfile "$2.key" -startdate "$START" -enddate "$END" \
    -extfile "$WORK/$1.ext" -in "$WORK/$1.csr" -out "$1.pem" 2>/dev/null
}

# request NAME "CN": a new P-256 key NAME.key (PKCS#8) and its CSR.
request() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
  openssl req -new -key "$1.key" -subj "/O=happy-eyeballs test/CN=$2" \
    -out "$WORK/$1.csr"
}

# ca NAME "CN": a self-signed certificate authority NAME.pem / NAME.key.
ca() {
  request "$1" "$2"
  cat >"$WORK/$1.ext" <<EXT
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EXT
  sign "$1" "$1" -selfsign
}

# leaf NAME CA "CN" USAGE ["SANS"]: a certificate NAME.pem / NAME.key signed
# by CA.pem, for USAGE (serverAuth or clientAuth), with subjectAltName SANS.
leaf() {
  request "$1" "$3"
  cat >"$WORK/$1.ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = $4
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
  if [ -n "${5:-}" ]; then echo "subjectAltName = $5" >>"$WORK/$1.ext"; fi
  sign "$1" "$2"
}

# escape_name: a certificate whose DNS name holds terminal escape sequences
# (a colour, a window title ended by BEL), for the tests that check that the
# command-line tool never prints them raw. Signed by ca.pem.
escape_name() {
  esc=$(printf '\033')
  bel=$(printf '\007')
  leaf escape_name ca "happy-eyeballs escape test" serverAuth \
    "DNS:evil${esc}[31mred${esc}]0;pwned${bel}.test, DNS:tls.test"
}

# Only the certificate with escape sequences: sh make_certs.sh escape_name
if [ "${1:-}" = "escape_name" ]; then
  escape_name
  openssl verify -CAfile ca.pem escape_name.pem
  exit 0
fi

ca ca "happy-eyeballs test CA"
leaf server ca localhost serverAuth \
  "DNS:localhost, DNS:tls.test, IP:127.0.0.1, IP:::1"
leaf name_only ca tls.test serverAuth "DNS:tls.test"
escape_name

ca other_ca "happy-eyeballs unrelated CA"
leaf other_server other_ca localhost serverAuth \
  "DNS:localhost, DNS:tls.test, IP:127.0.0.1, IP:::1"

ca client_ca "happy-eyeballs client CA"
leaf client client_ca "happy-eyeballs test client" clientAuth

openssl verify -CAfile ca.pem server.pem name_only.pem escape_name.pem
openssl verify -CAfile other_ca.pem other_server.pem
openssl verify -CAfile client_ca.pem client.pem
