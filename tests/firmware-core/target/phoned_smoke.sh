#!/bin/sh
# phoned on its own, as the cross builds run it under qemu-user (ctest interop.phoned_smoke, label
# interop; every build with phoned): the host's python3 http.server on 127.0.0.1 stands in for the
# provisioning server, which the cross builds do not build.
#   power-up resync over HTTP (Profile_Rule from --param, Resync_Random_Delay 0) -> cfg.xml;
#   GET /admin/resync?http://... -> that profile in cfg.xml, status.xml says success;
#   SIGTERM exits 0, and a restarted phoned (no --param) has the configuration from --state-dir.
#
#   phoned_smoke.sh WORK_DIR [EMULATOR...] PHONED
#
# EMULATOR... is CMAKE_CROSSCOMPILING_EMULATOR (e.g. qemu-aarch64 -L /usr/aarch64-linux-gnu ...),
# empty in host builds. Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) without curl or
# python3. Bounded: curl under `timeout`, every wait at most 30 s (qemu starts slowly on a busy
# machine), both processes killed on any exit.
set -eu
if [ "$#" -lt 2 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
work=$1
shift
logs="http.out phoned.out phoned.err"
wait_seconds=30  # phoned under qemu-user starts slowly
. "$(dirname "$0")/interop_common.sh"
need curl timeout python3
rm -rf "$work"
mkdir -p "$work/root"
server= phone=
cleanup() {
  for process in $server $phone; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT
# started_or_exited PID PATTERN FILE: the process printed PATTERN into FILE, or it has exited.
started_or_exited() { grep -q "$2" "$3" || ! kill -0 "$1"; }
admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }

printf '<flat-profile>\n  <GPP_A>power-up</GPP_A>\n</flat-profile>\n' >"$work/root/a.cfg"
printf '<flat-profile>\n  <GPP_B>admin-resync</GPP_B>\n</flat-profile>\n' >"$work/root/b.cfg"

# Port 0: the kernel picks a free port, which http.server prints (-u: unbuffered, into the file).
python3 -u -m http.server --bind 127.0.0.1 --directory "$work/root" 0 >"$work/http.out" 2>&1 &
server=$!
wait_for started_or_exited "$server" '^Serving HTTP on 127\.0\.0\.1 port ' "$work/http.out"
grep -q '^Serving HTTP on 127\.0\.0\.1 port ' "$work/http.out" ||
  fail "python3 http.server did not start"
http_port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\) .*/\1/p' "$work/http.out")

start_phoned() {
  "$@" --mac 00:0e:08:ab:cd:ef --state-dir "$work/state" --admin 127.0.0.1:0 \
    --sip 127.0.0.1:0 >"$work/phoned.out" 2>"$work/phoned.err" &
  phone=$!
  # Stops waiting early when phoned has exited (a bad flag, a missing library under qemu).
  wait_for started_or_exited "$phone" '^admin ' "$work/phoned.out"
  grep -q '^admin ' "$work/phoned.out" || fail "phoned did not start"
  admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")
}
stop_phoned() {
  kill -TERM "$phone"
  status=0
  wait "$phone" || status=$?
  phone=
  [ "$status" -eq 0 ] || fail "phoned exited with $status after SIGTERM"
}

start_phoned "$@" --param Resync_Random_Delay=0 \
  --param "Profile_Rule=http://127.0.0.1:$http_port/a.cfg"
wait_for cfg_has '<GPP_A ua="na">power-up</GPP_A>' || fail "power-up profile not applied"
ok "power-up resync over HTTP"

admin_get "/admin/resync?http%3A%2F%2F127.0.0.1%3A$http_port%2Fb.cfg" >/dev/null || fail "admin resync"
wait_for cfg_has '<GPP_B ua="na">admin-resync</GPP_B>' || fail "admin resync profile not applied"
admin_get /admin/status.xml >"$work/status.xml" || fail "status.xml"
grep -q 'reason="explicit" result="success"' "$work/status.xml" ||
  fail "status.xml: $(cat "$work/status.xml")"
ok "GET /admin/resync?URL -> the profile, status.xml reports success"
stop_phoned
ok "SIGTERM: clean exit 0"

start_phoned "$@"
cfg_has '<GPP_B ua="na">admin-resync</GPP_B>' || fail "configuration lost across a restart"
cfg_has "http://127.0.0.1:$http_port/a.cfg" || fail "Profile_Rule lost across a restart"
ok "a restarted phoned has its configuration from --state-dir"
stop_phoned
