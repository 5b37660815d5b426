#!/bin/sh
# phoned resyncs from provserver on loopback, checked through its admin web with curl
# (ctest interop.phoned_provserver, label interop):
#   power-up resync over TFTP (Profile_Rule from --param, Resync_Random_Delay 0) -> cfg.xml;
#   GET /admin/resync?http://... -> the HTTP profile in cfg.xml, status.xml says success;
#   a secret (GPP_SA) is masked in cfg.xml; GET /admin/reboot; SIGTERM exits 0, and a restarted
#   phoned (no --param) still has the configuration from its --state-dir.
#
#   phoned_interop.sh PHONED PROVSERVER WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) without curl. Bounded: curl under
# `timeout`, every wait at most 10 s, both daemons killed on any exit.
set -eu
if [ "$#" -ne 3 ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phoned=$1 provserver=$2 work=$3
for tool in curl timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work/root"
server= phone=
cleanup() {
  for process in $server $phone; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in provserver.out phoned.out phoned.err; do
    echo "--- $log:" >&2
    cat "$work/$log" >&2 2>/dev/null || true
  done
  exit 1
}
ok() { echo "ok: $*"; }
# wait_for COMMAND...: retries for up to 10 s.
wait_for() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || return 1
    sleep 0.1
  done
}
admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }

printf '<flat-profile>\n  <GPP_A>from-tftp</GPP_A>\n  <GPP_SA>s3cret-value</GPP_SA>\n</flat-profile>\n' \
  >"$work/root/basic.cfg"
printf '<flat-profile>\n  <GPP_B>from-http</GPP_B>\n</flat-profile>\n' >"$work/root/b.cfg"

"$provserver" --root "$work/root" --tftp 127.0.0.1:0 --http 127.0.0.1:0 \
  >"$work/provserver.out" 2>&1 &
server=$!
wait_for grep -q '^serving ' "$work/provserver.out" || fail "provserver did not start"
tftp_port=$(sed -n 's/^listening tftp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")
http_port=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")

start_phoned() {
  "$phoned" --mac 00:0e:08:ab:cd:ef --state-dir "$work/state" --admin 127.0.0.1:0 "$@" \
    >"$work/phoned.out" 2>"$work/phoned.err" &
  phone=$!
  wait_for grep -q '^admin ' "$work/phoned.out" || fail "phoned did not start"
  admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")
}
stop_phoned() {
  kill -TERM "$phone"
  status=0
  wait "$phone" || status=$?
  phone=
  [ "$status" -eq 0 ] || fail "phoned exited with $status after SIGTERM"
}

start_phoned --param Resync_Random_Delay=0 \
  --param "Profile_Rule=tftp://127.0.0.1:$tftp_port/basic.cfg"
wait_for cfg_has '<GPP_A ua="na">from-tftp</GPP_A>' || fail "TFTP profile not applied"
ok "power-up resync over TFTP from provserver"
cfg_has '<GPP_SA ua="na">[^<]' || fail "GPP_SA not applied or shown empty"
if cfg_has 's3cret-value'; then fail "cfg.xml shows a secret"; fi
ok "cfg.xml masks GPP_SA"

admin_get "/admin/resync?http://127.0.0.1:$http_port/b.cfg" >/dev/null || fail "admin resync"
wait_for cfg_has '<GPP_B ua="na">from-http</GPP_B>' || fail "HTTP profile not applied"
ok "admin resync over HTTP from provserver"
admin_get /admin/status.xml >"$work/status.xml" || fail "status.xml"
grep -q 'reason="explicit" result="success"' "$work/status.xml" ||
  fail "status.xml: $(cat "$work/status.xml")"
ok "status.xml reports the explicit resync"

admin_get /admin/reboot >/dev/null || fail "admin reboot"
wait_for grep -q 'rebooting' "$work/phoned.err" || fail "no reboot"
wait_for cfg_has '<GPP_B ua="na">from-http</GPP_B>' || fail "configuration lost at reboot"
ok "admin reboot keeps the configuration"
stop_phoned
ok "SIGTERM: clean exit 0"

start_phoned
cfg_has '<GPP_B ua="na">from-http</GPP_B>' || fail "configuration lost across a restart"
cfg_has "tftp://127.0.0.1:$tftp_port/basic.cfg" || fail "Profile_Rule lost across a restart"
ok "a restarted phoned has its configuration from --state-dir"
stop_phoned
