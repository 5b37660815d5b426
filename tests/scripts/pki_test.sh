#!/bin/sh
# scripts/pki against the system openssl: every chain verifies where it should and fails where
# it should, and the MIC carries the subject of decisions.md.
#
#   pki_test.sh SCRIPTS_PKI WORK_DIR
#
# Exit 0 all checks held, 1 a check failed, 77 (ctest SKIP_RETURN_CODE) without openssl.
set -eu
if [ "$#" -ne 2 ]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
pki=$1 work=$2
command -v openssl >/dev/null 2>&1 || { echo "skipped: openssl is not installed"; exit 77; }
rm -rf "$work"
"$pki" "$work" --host prov.test --phones 3 --model CP-6841-3PCC
fail() { echo "FAIL: $*" >&2; exit 1; }
verifies() {  # verifies ROOT CERT [OPTIONS]
  root=$1 certificate=$2
  shift 2
  openssl verify "$@" -CAfile "$work/$root.crt" "$work/$certificate.crt" >/dev/null 2>&1
}
for phone in phone-1 phone-2 phone-3; do
  verifies manufacturer-root "$phone" -purpose sslclient || fail "$phone does not verify as a client"
  verifies provisioning-root "$phone" && fail "$phone verifies against the provisioning root"
done
verifies provisioning-root server -purpose sslserver -verify_hostname prov.test || fail "server"
verifies provisioning-root server -verify_hostname other.test && fail "server verifies for another host"
verifies provisioning-root untrusted-server && fail "untrusted-server verifies against the provisioning root"
verifies untrusted-root untrusted-server -verify_hostname prov.test || fail "untrusted-server chain"
subject=$(openssl x509 -in "$work/phone-2.crt" -noout -subject -nameopt RFC2253)
[ "$subject" = "subject=CN=000e08000002,ST=00:0e:08:00:00:02,L=FCH00000002,OU=CP-6841-3PCC" ] ||
  fail "phone-2 subject: $subject"
openssl pkey -in "$work/phone-1.key" -pubout >/dev/null 2>&1 || fail "phone-1 key"
# --mic-days: short-lived MICs (inside the 30-day renewal window), the rest unchanged.
rm -rf "$work"
"$pki" "$work" --phones 1 --mic-days 5 >/dev/null
openssl x509 -in "$work/phone-1.crt" -noout -checkend $((4 * 86400)) >/dev/null || fail "MIC expires before 4 days"
openssl x509 -in "$work/phone-1.crt" -noout -checkend $((6 * 86400)) >/dev/null && fail "MIC lives past 6 days"
openssl x509 -in "$work/server.crt" -noout -checkend $((30 * 86400)) >/dev/null || fail "--mic-days shortened the server"
"$pki" "$work" --mic-days 0 >/dev/null 2>&1 && fail "--mic-days 0 accepted"
echo "ok: scripts/pki chains and MIC subject"
