#!/bin/sh
# phoned renews its MIC at provserver's MIC renewal service on loopback (ctest
# interop.phoned_mic_renewal, label interop; guide "Verlängern des MIC-Zertifikats"):
#   scripts/pki mints a MIC that expires in 10 days (inside the 30-day renewal window);
#   provserver serves --mic-renewal on HTTP and an mTLS profile on HTTPS (--client-ca);
#   phoned with MIC_Cert_Refresh_Enable=Yes and MIC_Cert_Refresh_Rule at provserver renews,
#   reboots, and status.xml shows "Success"; the renewed certificate in --state-dir verifies
#   against the manufacturer root with `openssl verify`, has the old subject, a new key and a
#   later notAfter; an HTTPS mTLS resync from provserver then works with it;
#   GET /admin/factoryreset erases the configuration but keeps the renewed MIC (status.xml, and
#   another mTLS resync works); a restart keeps it too;
#   a second phone with an expired MIC (openssl x509 -days -1) does not present it: its mTLS
#   resync fails with "client certificate expired"; restarted with MIC_Cert_Refresh_Enable=Yes
#   it renews the expired MIC (within the service's grace period) and mTLS works again;
#   a third phone whose MIC provserver revokes (--mic-revoke) is refused: 410, status.xml
#   "Failed ...: mic renewal refused", no reboot.
#
#   phoned_mic_renewal_interop.sh PHONED PROVSERVER SCRIPTS_PKI WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) without curl or openssl. Bounded: curl
# under `timeout`, every wait at most 20 s, both daemons killed on any exit.
set -eu
if [ "$#" -ne 4 ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phoned=$1 provserver=$2 pki=$3 work=$4
logs="provserver.out phoned.out phoned.err expired.out expired.err revoked.out revoked.err"
wait_seconds=20
. "$(dirname "$0")/interop_common.sh"
need curl timeout openssl bash
rm -rf "$work"
mkdir -p "$work/root"
server= phone=
cleanup() {
  for process in $server $phone; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT
# Conditions that wait_for re-evaluates on every try.
reboots_above() { test "$(grep -c rebooting "$work/$name.err")" -gt "$1"; }
admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
status_has() { admin_get /admin/status.xml >"$work/status.xml" && grep -q "$1" "$work/status.xml"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }

bash "$pki" "$work/pki" --host prov.example.com --phones 3 --mic-days 10 >/dev/null || fail "scripts/pki"
# Phone 2's MIC, valid from a year ago until yesterday: the same subject and key, signed by the
# manufacturer root with `openssl ca` (x509 -days -1 would end it before it starts).
mkdir -p "$work/ca"
: >"$work/ca/index.txt"
echo 1234 >"$work/ca/serial"
printf '%s\n' '[ca]' 'default_ca = mic' '[mic]' "database = $work/ca/index.txt" \
  "new_certs_dir = $work/ca" "serial = $work/ca/serial" 'default_md = sha256' 'policy = anything' 'unique_subject = no' \
  'x509_extensions = client' '[anything]' 'commonName = supplied' \
  '[client]' 'basicConstraints = critical,CA:FALSE' 'extendedKeyUsage = clientAuth' >"$work/ca/ca.cnf"
openssl x509 -in "$work/pki/phone-2.crt" -x509toreq -signkey "$work/pki/phone-2.key" -out "$work/ca/phone-2.csr" \
  2>/dev/null || fail "phone 2's certificate request"
openssl ca -batch -config "$work/ca/ca.cnf" -cert "$work/pki/manufacturer-root.crt" \
  -keyfile "$work/pki/manufacturer-root.key" -in "$work/ca/phone-2.csr" -preserveDN -notext \
  -startdate "$(date -u -d '365 days ago' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)" \
  -out "$work/expired.crt" >/dev/null 2>&1 || fail "openssl ca: an expired MIC"
! openssl x509 -in "$work/expired.crt" -noout -checkend 0 >/dev/null || fail "the expired MIC is valid"
revoked_serial=$(openssl x509 -in "$work/pki/phone-3.crt" -noout -serial | sed 's/^serial=//')
printf '<flat-profile>\n  <GPP_D>over-mtls</GPP_D>\n</flat-profile>\n' >"$work/root/d.cfg"
printf '<flat-profile>\n  <GPP_C>after-reset</GPP_C>\n</flat-profile>\n' >"$work/root/c.cfg"

"$provserver" --root "$work/root" --http 127.0.0.1:0 --https 127.0.0.1:0 \
  --cert "$work/pki/server.crt" --key "$work/pki/server.key" --client-ca "$work/pki/manufacturer-root.crt" \
  --mic-renewal "$work/pki/manufacturer-root.crt,$work/pki/manufacturer-root.key" --mic-renewal-path /sudi \
  --mic-revoke "$revoked_serial" \
  >"$work/provserver.out" 2>&1 &
server=$!
wait_for grep -q '^serving ' "$work/provserver.out" || fail "provserver did not start"
http_port=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")
https_port=$(sed -n 's/^listening https 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")

# start_phoned [--param ...]: phone $name (phoned, expired, revoked) with $mac, $cert and $key,
# its state in $work/state-$name, stdout and stderr in $work/$name.out and .err.
name=phoned mac=00:0e:08:00:00:01 serial=FCH00000001 cert=$work/pki/phone-1.crt key=$work/pki/phone-1.key
start_phoned() {
  "$phoned" --mac "$mac" --serial "$serial" --state-dir "$work/state-$name" --admin 127.0.0.1:0 \
    --sip none --ca "$work/pki/provisioning-root.crt" --client-cert "$cert" --client-key "$key" \
    --manufacturer-ca "$work/pki/manufacturer-root.crt" "$@" \
    >"$work/$name.out" 2>>"$work/$name.err" &
  phone=$!
  wait_for grep -q '^admin ' "$work/$name.out" || fail "$name did not start"
  admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/$name.out")
}
stop_phoned() {
  kill -TERM "$phone"
  wait "$phone" || fail "$name exited with $? after SIGTERM"
  phone=
}
: >"$work/phoned.err"
start_phoned --param Resync_Random_Delay=0 --param MIC_Cert_Refresh_Enable=Yes \
  --param "MIC_Cert_Refresh_Rule=http://127.0.0.1:$http_port/sudi" \
  --param "Profile_Rule=https://127.0.0.1:$https_port/d.cfg"

wait_for reboots_above 0 || fail "no reboot after the renewal"
wait_for status_has '<status>Success ' || fail "status.xml: $(cat "$work/status.xml")"
grep -q '<certificate renewed="yes" cn="000e08000001"' "$work/status.xml" || fail "status.xml: $(cat "$work/status.xml")"
wait_for grep -q '"POST /sudi" 200' "$work/provserver.out" || fail "provserver did not renew: $(grep sudi "$work/provserver.out")"
ok "phoned renewed its MIC at provserver, rebooted, status.xml says Success"

# The record on flash: a 28-byte journal header, then renewed_at=, the certificate and the key.
for slot in "$work/state-phoned/mic.a" "$work/state-phoned/mic.b"; do
  [ -f "$slot" ] && tail -c +29 "$slot" | sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' >"$work/renewed.pem"
  [ -s "$work/renewed.pem" ] && break
done
[ -s "$work/renewed.pem" ] || fail "no renewed certificate in the state directory"
openssl verify -purpose sslclient -CAfile "$work/pki/manufacturer-root.crt" "$work/renewed.pem" >/dev/null ||
  fail "the renewed MIC does not verify"
old_subject=$(openssl x509 -in "$work/pki/phone-1.crt" -noout -subject -nameopt RFC2253)
new_subject=$(openssl x509 -in "$work/renewed.pem" -noout -subject -nameopt RFC2253)
[ "$old_subject" = "$new_subject" ] || fail "subject changed: $old_subject -> $new_subject"
old_key=$(openssl x509 -in "$work/pki/phone-1.crt" -noout -pubkey)
new_key=$(openssl x509 -in "$work/renewed.pem" -noout -pubkey)
[ "$old_key" != "$new_key" ] || fail "the renewed MIC has the old key"
openssl x509 -in "$work/renewed.pem" -noout -checkend $((365 * 86400)) >/dev/null ||
  fail "the renewed MIC expires within a year"
[ "$(openssl x509 -in "$work/renewed.pem" -noout -serial)" = "serial=10000000" ] || fail "serial"
ok "openssl verify: the renewed MIC chains to the manufacturer root, same subject, new key, 5 years"

wait_for grep -q 'mic_restored.*serial=10000000' "$work/phoned.err" || fail "phoned does not use the renewed MIC"
admin_get "/admin/resync?https%3A%2F%2F127.0.0.1%3A$https_port%2Fd.cfg" >/dev/null || fail "admin resync"
wait_for status_has 'reason="explicit" result="success"' || fail "mTLS resync: $(cat "$work/status.xml")"
cfg_has '<GPP_D ua="na">over-mtls</GPP_D>' || fail "mTLS profile not applied"
ok "HTTPS with client certificates (provserver --client-ca) works with the renewed MIC"

reboots=$(grep -c rebooting "$work/$name.err")
admin_get /admin/factoryreset >/dev/null || fail "admin factoryreset"
wait_for reboots_above "$reboots" || fail "no reboot after the factory reset"
wait_for cfg_has '<MIC_Cert_Refresh_Enable ua="na">No</MIC_Cert_Refresh_Enable>' ||
  fail "the factory reset kept the configuration"
status_has '<certificate renewed="yes"' || fail "the factory reset lost the renewed MIC: $(cat "$work/status.xml")"
admin_get "/admin/resync?https%3A%2F%2F127.0.0.1%3A$https_port%2Fc.cfg" >/dev/null || fail "admin resync"
wait_for cfg_has '<GPP_C ua="na">after-reset</GPP_C>' || fail "mTLS after the factory reset"
ok "GET /admin/factoryreset erases the configuration, keeps the renewed MIC (mTLS still works)"

stop_phoned
start_phoned
wait_for status_has '<certificate renewed="yes"' || fail "a restart lost the renewed MIC"
ok "a restarted phoned still uses the renewed MIC"
stop_phoned

# The guide: with an expired MIC the features that use TLS do not work.
name=expired mac=00:0e:08:00:00:02 serial=FCH00000002 cert=$work/expired.crt key=$work/pki/phone-2.key
: >"$work/$name.err"
start_phoned --param Resync_Random_Delay=0 --param "Profile_Rule=https://127.0.0.1:$https_port/d.cfg"
wait_for status_has 'result="failure" error="client certificate expired"' ||
  fail "expired MIC: $(cat "$work/status.xml")"
status_has '<status>Not attempted</status>' || fail "expired MIC: $(cat "$work/status.xml")"
cfg_has '<GPP_D ua="na"></GPP_D>\|<GPP_D ua="na"/>' || fail "expired MIC: the mTLS profile was applied"
ok "an expired MIC is not presented: the mTLS resync fails with 'client certificate expired'"
stop_phoned
start_phoned --param MIC_Cert_Refresh_Enable=Yes --param "MIC_Cert_Refresh_Rule=http://127.0.0.1:$http_port/sudi"
wait_for reboots_above 0 || fail "no reboot after renewing the expired MIC"
wait_for cfg_has '<GPP_D ua="na">over-mtls</GPP_D>' || fail "mTLS after renewing the expired MIC"
status_has '<status>Success ' || fail "status.xml: $(cat "$work/status.xml")"
ok "the expired MIC renewed at provserver (grace period); mTLS works again after the reboot"
stop_phoned

name=revoked mac=00:0e:08:00:00:03 serial=FCH00000003 cert=$work/pki/phone-3.crt key=$work/pki/phone-3.key
: >"$work/$name.err"
start_phoned --param Resync_Random_Delay=0 --param MIC_Cert_Refresh_Enable=Yes \
  --param "MIC_Cert_Refresh_Rule=http://127.0.0.1:$http_port/sudi"
wait_for status_has '<status>Failed [0-9]*: mic renewal refused</status>' || fail "revoked MIC: $(cat "$work/status.xml")"
wait_for grep -q '"POST /sudi" 410' "$work/provserver.out" || fail "provserver did not refuse the revoked MIC"
status_has '<certificate renewed="no"' || fail "revoked MIC: $(cat "$work/status.xml")"
! reboots_above 0 || fail "the refused renewal rebooted the phone"
ok "a revoked MIC is refused with 410; status.xml: Failed, mic renewal refused; no reboot"
