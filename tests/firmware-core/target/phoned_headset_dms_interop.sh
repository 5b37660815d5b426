#!/bin/sh
# phoned against provserver --dms on loopback: the BroadWorks device profile procedure and the
# Cisco headset upgrade over HTTP with authentication (ctest interop.phoned_headset_dms, label
# interop):
#   provserver --dms CONFIG serves /dms/Cisco-MPP/<MAC>.xml per device with Digest
#   authentication; phoned's Profile_Rule `[--uid $MA --pwd SN]http://.../dms/Cisco-MPP/$MA.xml`
#   gets its line (User_ID_1_, Display_Name_1_) filled from the inventory;
#   /admin/resync with a wrong password -> status.xml `authentication failed`, nothing applied;
#   a MAC the inventory lacks, with valid credentials -> `file not found` (404); a known device's file
#   with another device's credentials -> 403 (curl);
#   phoned --headset 560:1-5-0-100:y-cable with Cisco_Headset_Upgrade_Rule (same server, same
#   credentials) -> status.xml headset state prompting, offered 1-6-0-162;
#   /admin/headset/defer -> deferred; /admin/headset/detach + attach -> prompting again;
#   /admin/headset/accept -> the image is downloaded and verified: flashing (the 90 s flash
#   itself is covered by the agent and scenario tests); a corrupt image on the server -> the
#   error in status.xml; neither daemon logs the device or SIP password.
#
#   phoned_headset_dms_interop.sh PHONED PROVSERVER WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) without curl or sha256sum. Bounded: curl
# under `timeout`, every wait at most 10 s, both daemons killed on any exit.
set -eu
if [ "$#" -ne 3 ]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phoned=$1 provserver=$2 work=$3
logs="provserver.out phoned.out phoned.err"
. "$(dirname "$0")/interop_common.sh"
need curl timeout sha256sum
rm -rf "$work"
mkdir -p "$work/root"
server= phone=
cleanup() {
  for process in $server $phone; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT
admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }
status_has() { admin_get /admin/status.xml >"$work/status.xml" && grep -q "$1" "$work/status.xml"; }
# Secrets (the device access password, the SIP password) in no log of either daemon.
no_secret_in_logs() {
  for log in provserver.out phoned.out phoned.err; do
    if grep -q -e FCH-interop -e line-secret "$work/$log"; then fail "a secret shows in $log"; fi
  done
}

# The headset release: an image and the headset XML file (phonesim's stand-in format).
head -c 20000 /dev/zero | tr '\0' 'h' >"$work/root/hs560-1-6-0-162.bin"
digest=$(sha256sum "$work/root/hs560-1-6-0-162.bin" | cut -d' ' -f1)
printf '<headsetFirmware>\n  <headset series="560" version="1-6-0-162" image="hs560-1-6-0-162.bin" bytes="20000" sha256="%s"/>\n</headsetFirmware>\n' \
  "$digest" >"$work/root/ciscoheadsetfirmware.xml"
# The same release with an image that does not match its digest.
printf 'not the image' >"$work/root/hs560-broken.bin"
printf '<headsetFirmware>\n  <headset series="560" version="1-6-0-162" image="hs560-broken.bin" bytes="13" sha256="%s"/>\n</headsetFirmware>\n' \
  "$digest" >"$work/root/broken-headset.xml"

cat >"$work/dms.yaml" <<'YAML'
auth: digest
realm: BroadWorks
device_types:
  - name: Cisco-MPP
    files:
      - name: "%BWMACADDRESS%.xml"
        template: |
          <flat-profile>
            <User_ID_1_>%BWLINEPORT-1%</User_ID_1_>
            <Password_1_>%BWAUTHPASSWORD-1%</Password_1_>
            <Display_Name_1_>%BWDISPLAYNAME-1%</Display_Name_1_>
          </flat-profile>
devices:
  - mac: 00:0e:08:ab:cd:ef
    type: Cisco-MPP
    user: 000e08abcdef
    password: FCH-interop
    lines: [{port: 2001@as.example.com, auth_user: "2001", auth_password: line-secret, display_name: Alice}]
  - mac: 00:0e:08:00:00:02
    type: Cisco-MPP
    user: 000e08000002
    password: other
YAML

"$provserver" --root "$work/root" --http 127.0.0.1:0 --dms "$work/dms.yaml" >"$work/provserver.out" 2>&1 &
server=$!
wait_for grep -q '^serving ' "$work/provserver.out" || fail "provserver did not start"
http_port=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/provserver.out")
base="http://127.0.0.1:$http_port"
credentials='[--uid $MA --pwd FCH-interop]'

"$phoned" --mac 00:0e:08:ab:cd:ef --state-dir "$work/state" --admin 127.0.0.1:0 --sip none \
  --headset 560:1-5-0-100:y-cable \
  --param "Profile_Rule=$credentials$base/dms/Cisco-MPP/\$MA.xml" \
  --param "Cisco_Headset_Upgrade_Rule=$credentials$base/ciscoheadsetfirmware.xml" \
  --param Resync_Random_Delay=0 --param Resync_Error_Retry_Delay=0 \
  >"$work/phoned.out" 2>"$work/phoned.err" &
phone=$!
wait_for grep -q '^admin ' "$work/phoned.out" || fail "phoned did not start"
admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")

wait_for cfg_has '2001@as.example.com' || fail "the device profile did not arrive"
cfg_has 'Alice' || fail "Display_Name_1_ not from the inventory"
grep -q 'line-secret' "$work/cfg.xml" && fail "the SIP password shows in cfg.xml"
wait_for grep -q ' 401 ' "$work/provserver.out" || fail "no Digest challenge seen"
ok "device profile over HTTP Digest: User_ID_1_ and Display_Name_1_ from the inventory"

# resync_with RULE: /admin/resync with the rule URL-encoded.
resync_with() {
  timeout 10 curl -sS -f -G "http://127.0.0.1:$admin_port/admin/resync" --data-urlencode "$1" >/dev/null
}
resync_with "[--uid \$MA --pwd wrong]$base/dms/Cisco-MPP/\$MA.xml"
wait_for status_has 'error="authentication failed"' || fail "a wrong password was not refused"
ok "wrong device password: authentication failed"
resync_with "$credentials$base/dms/Cisco-MPP/000e08999999.xml"
wait_for status_has 'error="file not found"' || fail "an unknown device was not 404"
ok "unknown device: file not found"
# Another device's file with this device's valid credentials: 403 (curl, as the phone maps every
# other status to one $ERR).
status=$(timeout 10 curl -sS -o /dev/null -w '%{http_code}' --digest -u 000e08abcdef:FCH-interop \
  "$base/dms/Cisco-MPP/000e08000002.xml") || fail "curl for another device's file"
[ "$status" = 403 ] || fail "another device's file answered $status, not 403"
ok "another device's file: 403"

wait_for status_has '<headset state="prompting" series="560" connection="y-cable" firmware="1-5-0-100" offered="1-6-0-162"' ||
  fail "no headset prompt"
ok "headset 560 on the Y-cable prompted for 1-6-0-162"
admin_get /admin/headset/defer >/dev/null || fail "/admin/headset/defer"
wait_for status_has '<headset state="deferred"' || fail "defer did not defer"
admin_get /admin/headset/detach >/dev/null || fail "/admin/headset/detach"
wait_for status_has '<headset state="absent"' || fail "detach did not detach"
admin_get /admin/headset/attach >/dev/null || fail "/admin/headset/attach"
wait_for status_has '<headset state="prompting"' || fail "re-attaching did not prompt again"
ok "defer, unplug and plug in again: prompted again"
admin_get /admin/headset/accept >/dev/null || fail "/admin/headset/accept"
wait_for status_has '<headset state="flashing"' || fail "the accepted image was not downloaded and verified"
wait_for grep -q 'GET /hs560-1-6-0-162.bin' "$work/provserver.out" || fail "no image request in the access log"
ok "accept: image downloaded with the rule's credentials, verified, flashing"

no_secret_in_logs
# A corrupt image: a fresh phoned (same state dir) with the broken release.
kill -TERM "$phone"
wait "$phone" || fail "phoned did not exit 0 on SIGTERM"
phone=
"$phoned" --mac 00:0e:08:ab:cd:ef --state-dir "$work/state" --admin 127.0.0.1:0 --sip none \
  --headset 560:1-5-0-100 \
  --param "Cisco_Headset_Upgrade_Rule=$credentials$base/broken-headset.xml" \
  >"$work/phoned.out" 2>"$work/phoned.err" &
phone=$!
wait_for grep -q '^admin ' "$work/phoned.out" || fail "phoned did not restart"
admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")
wait_for status_has '<headset state="prompting"' || fail "no prompt for the broken release"
admin_get /admin/headset/accept >/dev/null || fail "/admin/headset/accept"
wait_for status_has 'error="headset image mismatch"' || fail "a corrupt image was not refused"
status_has 'firmware="1-5-0-100"' || fail "the headset changed after a refused image"
ok "corrupt image: headset image mismatch, the headset keeps 1-5-0-100"
no_secret_in_logs
ok "no secret in the logs of either phoned run or provserver"
