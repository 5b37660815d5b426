#!/bin/sh
# Activation-code onboarding on real sockets (ctest interop.phoned_activation, label interop):
# provserver A serves the profile, provserver B the activation service (--activation FILE);
# phoned starts from Profile_Rule gds:// with Activation_Service_Url pointing at B and
#   waits for a code (status.xml: state="waiting", nothing fetched);
#   GET /admin/activate?code=<unknown> -> "Invalid activation code" (B: activation unknown);
#   POST /admin/activate code=<expired> -> "Invalid activation code" (B: activation expired);
#   GET /admin/activate?code=<valid, with dashes> -> activated: Profile_Rule is A's URL, A's
#   profile is applied (cfg.xml), and both survive a restart of phoned;
#   a second phoned (another state dir and MAC) with the same, now used, code -> "Invalid
#   activation code" (B: activation used);
#   no code appears in any phoned or provserver output.
#
#   phoned_activation_interop.sh PHONED PROVSERVER WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) without curl. Bounded: curl under
# `timeout`, every wait at most 10 s, every daemon killed on any exit.
set -eu
if [ "$#" -ne 3 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phoned=$1 provserver=$2 work=$3
logs="profiles.out activation.out phoned.out phoned.err phoned2.out phoned2.err"
. "$(dirname "$0")/interop_common.sh"
need curl timeout
rm -rf "$work"
mkdir -p "$work/root" "$work/empty"
profiles= activation= phone= phone2=
cleanup() {
  for process in $profiles $activation $phone $phone2; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT

valid_code=4711-0815-2342-1337
valid_digits=4711081523421337
expired_code=9876543210987654
unknown_code=1111-2222-3333-4444

printf '<flat-profile>\n  <GPP_A>activated</GPP_A>\n</flat-profile>\n' >"$work/root/onboard.cfg"
"$provserver" --root "$work/root" --http 127.0.0.1:0 >"$work/profiles.out" 2>&1 &
profiles=$!
wait_for grep -q '^listening http ' "$work/profiles.out" || fail "provserver (profiles) did not start"
profiles_port=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/profiles.out")

cat >"$work/codes.txt" <<EOF
# code  expires  rule
$valid_code  never  http://127.0.0.1:$profiles_port/onboard.cfg
$expired_code  0  http://127.0.0.1:$profiles_port/onboard.cfg
EOF
"$provserver" --root "$work/empty" --http 127.0.0.1:0 --activation "$work/codes.txt" \
  >"$work/activation.out" 2>&1 &
activation=$!
wait_for grep -q '^listening http ' "$work/activation.out" || fail "provserver (activation) did not start"
grep -q '^activation 2 codes at POST /activate$' "$work/activation.out" ||
  fail "provserver did not load the codes"
activation_port=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/activation.out")
ok "provserver --activation loaded the codes file"

# start_phoned NAME MAC [ARG...]: phoned with its state in $work/NAME, output in NAME.out/.err;
# sets $started and $admin_port.
start_phoned() {
  name=$1 mac=$2
  shift 2
  "$phoned" --mac "$mac" --state-dir "$work/$name-state" --admin 127.0.0.1:0 --sip none "$@" \
    >"$work/$name.out" 2>"$work/$name.err" &
  started=$!
  wait_for grep -q '^admin ' "$work/$name.out" || fail "$name did not start"
  admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/$name.out")
}
onboarding_params() {
  echo --param Profile_Rule=gds:// --param Resync_Random_Delay=0 \
    --param "Activation_Service_Url=http://127.0.0.1:$activation_port/activate"
}
admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
status_has() { admin_get /admin/status.xml >"$work/status.xml" && grep -q "$1" "$work/status.xml"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }
outcomes() { grep -c "^activation $1 " "$work/activation.out" || true; }
outcomes_at_least() { test "$(outcomes "$1")" -ge "$2"; }

# shellcheck disable=SC2046
start_phoned phoned 00:0e:08:ab:cd:01 $(onboarding_params)
phone=$started
wait_for status_has '<activation state="waiting"' || fail "phoned does not wait for a code: $(cat "$work/status.xml")"
grep -q 'error="activation code required"' "$work/status.xml" || fail "status.xml: $(cat "$work/status.xml")"
ok "gds:// -> waiting for an activation code"

admin_get "/admin/activate?code=$unknown_code" >/dev/null || fail "GET /admin/activate"
wait_for status_has '<activation state="invalid"[^>]*>Invalid activation code</activation>' ||
  fail "unknown code: $(cat "$work/status.xml")"
wait_for outcomes_at_least unknown 1 || fail "provserver saw no unknown code"
ok "unknown code -> Invalid activation code"

timeout 10 curl -sS -f -d "code=$expired_code" "http://127.0.0.1:$admin_port/admin/activate" >/dev/null ||
  fail "POST /admin/activate"
wait_for outcomes_at_least expired 1 || fail "provserver saw no expired code: $(cat "$work/activation.out")"
wait_for status_has 'rejected="2"' || fail "expired code: $(cat "$work/status.xml")"
grep -q '>Invalid activation code</activation>' "$work/status.xml" || fail "expired code: $(cat "$work/status.xml")"
ok "expired code -> Invalid activation code"

admin_get "/admin/activate?code=$valid_code" >/dev/null || fail "GET /admin/activate (valid)"
wait_for status_has '<activation state="activated"' || fail "valid code: $(cat "$work/status.xml")"
wait_for cfg_has '<GPP_A ua="na">activated</GPP_A>' || fail "the profile from the activation rule was not applied"
cfg_has "<Profile_Rule ua=\"na\">http://127.0.0.1:$profiles_port/onboard.cfg</Profile_Rule>" ||
  fail "Profile_Rule is not the activation rule: $(grep Profile_Rule "$work/cfg.xml")"
grep -q 'GET /onboard.cfg' "$work/profiles.out" || fail "provserver A served no profile"
ok "valid code -> activated, Profile_Rule stored, profile applied"

kill -TERM "$phone"
status=0
wait "$phone" || status=$?
phone=
[ "$status" -eq 0 ] || fail "phoned exited with $status after SIGTERM"
start_phoned phoned 00:0e:08:ab:cd:01
phone=$started
wait_for cfg_has "<Profile_Rule ua=\"na\">http://127.0.0.1:$profiles_port/onboard.cfg</Profile_Rule>" ||
  fail "the activation rule did not survive a restart"
wait_for status_has 'result="success"' || fail "no resync from the stored rule after the restart"
ok "the activation rule survives a restart"

start_phoned phoned2 00:0e:08:ab:cd:02 $(onboarding_params)
phone2=$started
wait_for status_has '<activation state="waiting"' || fail "second phoned does not wait"
admin_get "/admin/activate?code=$valid_code" >/dev/null || fail "GET /admin/activate (reuse)"
wait_for outcomes_at_least used 1 || fail "provserver saw no reused code: $(cat "$work/activation.out")"
wait_for status_has '>Invalid activation code</activation>' || fail "reused code: $(cat "$work/status.xml")"
if cfg_has '<GPP_A ua="na">activated</GPP_A>'; then fail "the reused code provisioned a second phone"; fi
ok "reused code (second phone) -> Invalid activation code"

for file in phoned.out phoned.err phoned2.out phoned2.err profiles.out activation.out; do
  if grep -q -e "$valid_digits" -e "$valid_code" -e "$expired_code" "$work/$file"; then
    fail "$file shows an activation code"
  fi
done
ok "no activation code in any log"
