#!/bin/sh
# phoned resyncs from provserver on loopback, checked through its admin web with curl
# (ctest interop.phoned_provserver, label interop):
#   power-up resync over TFTP (Profile_Rule from --param, Resync_Random_Delay 0) -> cfg.xml;
#   GET /admin/resync?http://... -> the HTTP profile in cfg.xml, status.xml says success;
#   a secret (GPP_SA) is masked in cfg.xml; the success syslog line reaches provserver --syslog;
#   POST /CGI/Execute with a Resync: item -> that profile, a malformed body -> CiscoIPPhoneError;
#   an HTTPS profile refused (certificate rejected) until GET /admin/updateca?http://... installs
#   the server's CA (status.xml names it), then applied;
#   GET /admin/upgrade?http://... (an image from `phonesim firmware build`) -> a reboot into the
#   new version (status.xml), kept across a restart;
#   SIP NOTIFY (python3 on UDP) Event: check-sync -> 200 OK and a resync, an unknown event -> 489,
#   reboot_now -> a reboot, report -> the configuration uploaded to Report_Rule (TFTP write); GET /admin/reboot; SIGTERM exits 0, and a restarted phoned (no
#   --param) still has the configuration from its --state-dir.
#
#   phoned_interop.sh PHONED PROVSERVER PHONESIM WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) without curl or python3. Bounded: curl under
# `timeout`, every wait at most 10 s, both daemons killed on any exit.
set -eu
if [ "$#" -ne 4 ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phoned=$1 provserver=$2 phonesim=$3 work=$4
logs="provserver.out phoned.out phoned.err"
. "$(dirname "$0")/interop_common.sh"
need curl timeout python3 openssl
rm -rf "$work"
mkdir -p "$work/root"
server= phone=
cleanup() {
  for process in $server $phone; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT
# Counts that wait_for re-reads on every try (an argument like "$(grep -c ...)" would be read once).
reboots_above() { test "$(grep -c rebooting "$work/phoned.err")" -gt "$1"; }
fetches_above() { test "$(tftp_fetches)" -gt "$1"; }
admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }

printf '<flat-profile>\n  <GPP_A>from-tftp</GPP_A>\n  <GPP_SA>s3cret-value</GPP_SA>\n</flat-profile>\n' \
  >"$work/root/basic.cfg"
printf '<flat-profile>\n  <GPP_B>from-http</GPP_B>\n</flat-profile>\n' >"$work/root/b.cfg"
printf '<flat-profile>\n  <GPP_C>from-execute</GPP_C>\n</flat-profile>\n' >"$work/root/c.cfg"

# A CA phoned does not trust yet, and provserver's HTTPS certificate from it (custom CA procedure).
mkdir -p "$work/pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=phoned interop custom CA" \
  -keyout "$work/pki/ca.key" -out "$work/pki/ca.pem" 2>/dev/null || fail "openssl: CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/pki/server.key" \
  -out "$work/pki/server.csr" 2>/dev/null || fail "openssl: server request"
printf 'subjectAltName=IP:127.0.0.1\n' >"$work/pki/server.ext"
openssl x509 -req -in "$work/pki/server.csr" -CA "$work/pki/ca.pem" -CAkey "$work/pki/ca.key" \
  -CAcreateserial -days 2 -extfile "$work/pki/server.ext" -out "$work/pki/server.pem" 2>/dev/null ||
  fail "openssl: server certificate"
cp "$work/pki/ca.pem" "$work/root/custom-ca.pem"
# The phone's built-in roots (--ca): another CA, so the HTTPS server is untrusted at first.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=phoned interop built-in root" \
  -keyout "$work/pki/builtin.key" -out "$work/pki/builtin.pem" 2>/dev/null || fail "openssl: root"
printf '<flat-profile>\n  <GPP_D>from-https</GPP_D>\n</flat-profile>\n' >"$work/root/d.cfg"

# provserver reads its root at start: the firmware image must be there before.
new_version=sip88xx.12-0-2MPP0001-1
"$phonesim" firmware build --version "$new_version" --body-bytes 100000 \
  -o "$work/root/$new_version.loads" >/dev/null || fail "phonesim firmware build"
"$provserver" --root "$work/root" --tftp 127.0.0.1:0 --http 127.0.0.1:0 \
  --https 127.0.0.1:0 --cert "$work/pki/server.pem" --key "$work/pki/server.key" --syslog 127.0.0.1:0 --syslog-out "$work/syslog.txt" >"$work/provserver.out" 2>&1 &
server=$!
wait_for grep -q '^serving ' "$work/provserver.out" || fail "provserver did not start"
tftp_port=$(sed -n 's/^listening tftp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")
http_port=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")
https_port=$(sed -n 's/^listening https 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")
syslog_port=$(sed -n 's/^listening syslog 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")

# sip_send EVENT: sends a NOTIFY to phoned's SIP port and prints the reply's status line.
sip_send() {
  timeout 10 python3 - "$sip_port" "$1" <<'PYTHON'
import socket, sys
port, event = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(5)
me = "127.0.0.1:%d" % s.getsockname()[1]
notify = ("NOTIFY sip:phone@127.0.0.1:%d SIP/2.0\r\n"
          "Via: SIP/2.0/UDP %s;branch=z9hG4bK%s\r\n"
          "Max-Forwards: 70\r\n"
          "From: <sip:prov@%s>;tag=interop\r\n"
          "To: <sip:phone@127.0.0.1>\r\n"
          "Call-ID: %s@interop\r\n"
          "CSeq: 1 NOTIFY\r\n"
          "Event: %s\r\n"
          "Content-Length: 0\r\n\r\n") % (port, me, event, me, event, event)
s.sendto(notify.encode(), ("127.0.0.1", port))
reply = s.recv(4096).decode()
assert ("Call-ID: %s@interop\r\n" % event) in reply, reply
assert "CSeq: 1 NOTIFY\r\n" in reply, reply
print(reply.split("\r\n")[0])
PYTHON
}
tftp_fetches() { grep -c 'RRQ /\{0,1\}basic.cfg completed' "$work/provserver.out" || true; }

start_phoned() {
  "$phoned" --mac 00:0e:08:ab:cd:ef --state-dir "$work/state" --admin 127.0.0.1:0 \
    --sip 127.0.0.1:0 "$@" \
    >"$work/phoned.out" 2>"$work/phoned.err" &
  phone=$!
  wait_for grep -q '^admin ' "$work/phoned.out" || fail "phoned did not start"
  admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")
  sip_port=$(sed -n 's/^sip 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")
}
stop_phoned() {
  kill -TERM "$phone"
  status=0
  wait "$phone" || status=$?
  phone=
  [ "$status" -eq 0 ] || fail "phoned exited with $status after SIGTERM"
}

start_phoned --ca "$work/pki/builtin.pem" --param Resync_Random_Delay=0 \
  --param "Report_Rule=tftp://127.0.0.1:$tftp_port/reports/\$MA.xml" --param "Syslog_Server=127.0.0.1:$syslog_port" \
  --param "Profile_Rule=tftp://127.0.0.1:$tftp_port/basic.cfg"
wait_for cfg_has '<GPP_A ua="na">from-tftp</GPP_A>' || fail "TFTP profile not applied"
ok "power-up resync over TFTP from provserver"
cfg_has '<GPP_SA ua="na">[^<]' || fail "GPP_SA not applied or shown empty"
if cfg_has 's3cret-value'; then fail "cfg.xml shows a secret"; fi
ok "cfg.xml masks GPP_SA"
wait_for grep -q "Successful resync tftp://127.0.0.1:$tftp_port/basic.cfg" "$work/syslog.txt" ||
  fail "no success syslog line: $(cat "$work/syslog.txt" 2>/dev/null)"
ok "success syslog line at provserver --syslog"

# URL-encoded as a browser sends it (reference §7).
admin_get "/admin/resync?http%3A%2F%2F127.0.0.1%3A$http_port%2Fb.cfg" >/dev/null || fail "admin resync"
wait_for cfg_has '<GPP_B ua="na">from-http</GPP_B>' || fail "HTTP profile not applied"
ok "admin resync over HTTP from provserver"
admin_get /admin/status.xml >"$work/status.xml" || fail "status.xml"
grep -q 'reason="explicit" result="success"' "$work/status.xml" ||
  fail "status.xml: $(cat "$work/status.xml")"
ok "status.xml reports the explicit resync"

execute_xml="<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:http://127.0.0.1:$http_port/c.cfg\"/></CiscoIPPhoneExecute>"
timeout 10 curl -sS -f --data-urlencode "XML=$execute_xml" "http://127.0.0.1:$admin_port/CGI/Execute" \
  >"$work/execute.xml" || fail "POST /CGI/Execute"
grep -q '<ResponseItem Status="0" Data="Success" URL="Resync:http://' "$work/execute.xml" ||
  fail "CGI/Execute reply: $(cat "$work/execute.xml")"
wait_for cfg_has '<GPP_C ua="na">from-execute</GPP_C>' || fail "CGI/Execute profile not applied"
ok "POST /CGI/Execute Resync: item -> CiscoIPPhoneResponse and the profile"
code=$(timeout 10 curl -sS -o "$work/execute_bad.xml" -w '%{http_code}' \
  --data-urlencode "XML=<CiscoIPPhoneExecute>" "http://127.0.0.1:$admin_port/CGI/Execute")
[ "$code" = 400 ] && grep -q '<CiscoIPPhoneError Number="1"/>' "$work/execute_bad.xml" ||
  fail "malformed CGI/Execute answered $code: $(cat "$work/execute_bad.xml")"
ok "POST /CGI/Execute malformed body -> 400 CiscoIPPhoneError"

https_rule="https%3A%2F%2F127.0.0.1%3A$https_port%2Fd.cfg"
status_has() { admin_get /admin/status.xml | grep -q "$1"; }
admin_get "/admin/resync?$https_rule" >/dev/null || fail "admin resync over https"
wait_for status_has 'result="failure" error="certificate rejected"' ||
  fail "untrusted HTTPS server not rejected: $(admin_get /admin/status.xml)"
ok "HTTPS from a server whose CA phoned does not trust -> certificate rejected"
admin_get "/admin/updateca?http%3A%2F%2F127.0.0.1%3A$http_port%2Fcustom-ca.pem" >/dev/null ||
  fail "admin updateca"
wait_for status_has 'Installed: phoned interop custom CA' ||
  fail "custom CA not installed: $(admin_get /admin/status.xml)"
admin_get "/admin/resync?$https_rule" >/dev/null || fail "admin resync over https"
wait_for cfg_has '<GPP_D ua="na">from-https</GPP_D>' || fail "HTTPS profile not applied after the CA install"
ok "GET /admin/updateca installs the CA (status.xml names it); the HTTPS resync then succeeds"

reboots=$(grep -c rebooting "$work/phoned.err" || true)
admin_get "/admin/upgrade?http%3A%2F%2F127.0.0.1%3A$http_port%2F$new_version.loads" >/dev/null ||
  fail "admin upgrade"
wait_for reboots_above "$reboots" || fail "no reboot after the upgrade"
running_version() { admin_get /admin/status.xml | grep -q "<firmware>$1</firmware>"; }
wait_for running_version "$new_version" || fail "status.xml: $(admin_get /admin/status.xml)"
ok "GET /admin/upgrade -> image verified, installed, rebooted into $new_version"

before=$(tftp_fetches)
reply=$(sip_send check-sync) || fail "SIP NOTIFY check-sync: no or bad reply"
[ "$reply" = "SIP/2.0 200 OK" ] || fail "SIP NOTIFY check-sync answered '$reply'"
wait_for fetches_above "$before" || fail "SIP NOTIFY check-sync: no resync"
ok "SIP NOTIFY Event: check-sync -> 200 OK and a resync from Profile_Rule"
reply=$(sip_send dialog) || fail "SIP NOTIFY dialog: no or bad reply"
[ "$reply" = "SIP/2.0 489 Bad Event" ] || fail "SIP NOTIFY dialog answered '$reply'"
ok "SIP NOTIFY Event: dialog -> 489 Bad Event"
reboots=$(grep -c rebooting "$work/phoned.err" || true)
reply=$(sip_send reboot_now) || fail "SIP NOTIFY reboot_now: no or bad reply"
[ "$reply" = "SIP/2.0 200 OK" ] || fail "SIP NOTIFY reboot_now answered '$reply'"
wait_for reboots_above "$reboots" || fail "no reboot"
ok "SIP NOTIFY Event: reboot_now -> 200 OK and a reboot"
reply=$(sip_send report) || fail "SIP NOTIFY report: no or bad reply"
[ "$reply" = "SIP/2.0 200 OK" ] || fail "SIP NOTIFY report answered '$reply'"
wait_for grep -q '^tftp 127.0.0.1:[0-9]* WRQ /\{0,1\}reports/000e08abcdef.xml complete' "$work/provserver.out" ||
  fail "no report upload: $(grep WRQ "$work/provserver.out")"
ok "SIP NOTIFY Event: report -> 200 OK and the configuration written to Report_Rule over TFTP"

admin_get /admin/reboot >/dev/null || fail "admin reboot"
wait_for grep -q 'rebooting' "$work/phoned.err" || fail "no reboot"
wait_for cfg_has '<GPP_B ua="na">from-http</GPP_B>' || fail "configuration lost at reboot"
ok "admin reboot keeps the configuration"
stop_phoned
ok "SIGTERM: clean exit 0"

start_phoned
cfg_has '<GPP_B ua="na">from-http</GPP_B>' || fail "configuration lost across a restart"
cfg_has "tftp://127.0.0.1:$tftp_port/basic.cfg" || fail "Profile_Rule lost across a restart"
running_version "$new_version" || fail "the installed firmware bank was not booted after a restart"
ok "a restarted phoned has its configuration from --state-dir"
stop_phoned
