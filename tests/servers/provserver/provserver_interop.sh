#!/bin/sh
# provserver against the system's own clients on loopback (ctest label interop):
#   tftp    tftp-hpa's client fetches files byte-exactly (octet, netascii-free binary files);
#           curl's TFTP client with --tftp-blksize (tftp-hpa's client has no blksize option)
#   http    curl GET: a file byte-exactly, 404 for a missing one
#   https   curl over TLS with --client-ca: certificates made here by the openssl CLI (a CA, a
#           server certificate for 127.0.0.1, a client certificate); accepted with the client
#           certificate, refused without it
#   syslog  logger --udp lines land in --syslog-out
#   fault   --fault: curl gets 503 + Retry-After from http:status=503,retry-after=7s; a
#           tftp:drop window makes tftp-hpa time out; the plan is printed at start;
#           http:latency=1500ms holds each reply 1.5 s, two curls side by side
#   limit   --limit http=1,queue=1: while a slow curl upload is in service a second curl waits
#           and is served after it, a third is closed unread; --limit tftp=1,queue=1 under a
#           tftp:latency fault: the second tftp-hpa get is served after the first, the third is
#           told "server busy"; the "queue" lines at exit count one wait and one refusal each
#   certswap --fault https:certificate=expired|wrong-host|untrusted with --swap-cert: curl
#           (trusting the right CA) rejects each presented certificate with its reason; without
#           the fault the same command line serves; a fault without its --swap-cert is exit 2
# Every case also checks that SIGTERM stops provserver with exit status 0.
#
#   provserver_interop.sh PROVSERVER CASE WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) when a tool is missing. Bounded: every
# client runs under `timeout`, and provserver is killed on any exit.
set -eu
if [ "$#" -ne 3 ]; then
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
provserver=$1 case=$2 work=$3

need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "skipped: $tool is not installed"
      exit 77
    fi
  done
}
need timeout cmp head
case "$case" in
  tftp) need tftp curl ;;
  http) need curl ;;
  https) need curl openssl ;;
  syslog) need logger ;;
  fault) need curl tftp ;;
  limit) need curl tftp awk sleep ;;
  certswap) need curl openssl ;;
  *) echo "unknown case '$case'" >&2; exit 2 ;;
esac

rm -rf "$work"
mkdir -p "$work/root/phones" "$work/out"
pid=
cleanup() { if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- provserver output:" >&2
  cat "$work/provserver.out" >&2 || true
  exit 1
}
ok() { echo "ok: $*"; }
# wait_for COMMAND...: retries every 0.1 s for up to 10 s. provserver logs a transfer when it
# ends on its side, which can be a moment after the client has exited.
wait_for() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || return 1
    sleep 0.1
  done
}

# Content: a binary file of several blocks (and one ending on a block boundary), a profile.
head -c 100000 /dev/urandom >"$work/root/firmware.bin"
head -c 1024 /dev/urandom >"$work/root/phones/exact.bin"
printf '<flat-profile>\n  <GPP_A>12345678</GPP_A>\n</flat-profile>\n' >"$work/root/phones/basic.cfg"

# Starts provserver with "$@" and waits for its "serving" line; sets $pid.
start() {
  "$provserver" --root "$work/root" "$@" >"$work/provserver.out" 2>&1 &
  pid=$!
  tries=0
  until grep -q '^serving ' "$work/provserver.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "provserver exited at start"
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || fail "provserver did not start within 10 s"
    sleep 0.1
  done
}
# The port of the "listening KIND ADDR:PORT" line.
port_of() { sed -n "s/^listening $1 127\.0\.0\.1:\([0-9]*\)$/\1/p" "$work/provserver.out"; }
stop() {
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  pid=
  [ "$status" -eq 0 ] || fail "provserver exited with $status after SIGTERM"
  grep -q '^stopped$' "$work/provserver.out" || fail "no 'stopped' line after SIGTERM"
  ok "SIGTERM: clean exit 0"
}

# A CA, a server certificate for 127.0.0.1 and a client certificate in $work/pki, by the
# openssl CLI. Sets $pki.
make_pki() {
  pki="$work/pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=provserver interop CA" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null || fail "openssl: CA"
  issue server "/CN=127.0.0.1" 'subjectAltName=IP:127.0.0.1' 2
  openssl req -newkey rsa:2048 -nodes -subj "/OU=CP-8841-3PCC/CN=000e08abcdef" \
    -keyout "$pki/client.key" -out "$pki/client.csr" 2>/dev/null || fail "openssl: client request"
  openssl x509 -req -in "$pki/client.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -out "$pki/client.pem" 2>/dev/null || fail "openssl: client certificate"
}
# issue NAME SUBJECT EXTENSION DAYS [CA]: $pki/NAME.pem and .key signed by CA (default ca); a
# negative DAYS gives a certificate that expired at issue.
issue() {
  ca=${5:-ca}
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr" \
    2>/dev/null || fail "openssl: $1 request"
  printf '%s\n' "$3" >"$pki/$1.ext"
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$ca.pem" -CAkey "$pki/$ca.key" \
    -CAcreateserial -days "$4" -extfile "$pki/$1.ext" -out "$pki/$1.pem" 2>/dev/null ||
    fail "openssl: $1 certificate"
}

case "$case" in
tftp)
  start --tftp 127.0.0.1:0
  port=$(port_of tftp)
  for file in firmware.bin phones/exact.bin phones/basic.cfg; do
    out="$work/out/$(echo "$file" | tr / _)"
    (cd "$work/out" && timeout 20 tftp 127.0.0.1 "$port" -m binary -c get "$file" "$out") ||
      fail "tftp get $file"
    cmp -s "$work/root/$file" "$out" || fail "tftp get $file: content differs"
    ok "tftp-hpa get $file byte-exact"
  done
  for blksize in 512 1024 1468; do
    out="$work/out/blksize$blksize.bin"
    timeout 20 curl -sS --tftp-blksize "$blksize" -o "$out" "tftp://127.0.0.1:$port/firmware.bin" ||
      fail "curl tftp blksize $blksize"
    cmp -s "$work/root/firmware.bin" "$out" || fail "curl tftp blksize $blksize: content differs"
    ok "curl tftp --tftp-blksize $blksize byte-exact"
  done
  # tftp-hpa prints the server's error and leaves no file behind.
  (cd "$work/out" && timeout 20 tftp 127.0.0.1 "$port" -c get missing.cfg "$work/out/missing") \
    >"$work/out/missing.log" 2>&1 || true
  grep -qi 'not found' "$work/out/missing.log" || fail "missing file: $(cat "$work/out/missing.log")"
  ok "tftp-hpa get of a missing file: file not found"
  wait_for grep -q '^tftp 127.0.0.1:[0-9]* RRQ firmware.bin completed 100000 bytes' "$work/provserver.out" ||
    fail "no access log line for firmware.bin"
  ok "access log"
  stop
  ;;
http)
  start --http 127.0.0.1:0
  port=$(port_of http)
  timeout 20 curl -sS -f -o "$work/out/firmware.bin" "http://127.0.0.1:$port/firmware.bin" ||
    fail "curl http firmware.bin"
  cmp -s "$work/root/firmware.bin" "$work/out/firmware.bin" || fail "http: content differs"
  ok "curl http GET byte-exact"
  code=$(timeout 20 curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/missing.cfg")
  [ "$code" = 404 ] || fail "missing file answered $code"
  ok "curl http GET of a missing file: 404"
  wait_for grep -q '^http 127.0.0.1:[0-9]* "GET /firmware.bin" 200 100000 "curl/' "$work/provserver.out" ||
    fail "no access log line for firmware.bin"
  ok "access log"
  stop
  ;;
https)
  make_pki
  start --https 127.0.0.1:0 --cert "$pki/server.pem" --key "$pki/server.key" \
    --client-ca "$pki/ca.pem"
  port=$(port_of https)
  url="https://127.0.0.1:$port/phones/basic.cfg"
  timeout 20 curl -sS -f --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key" \
    -o "$work/out/basic.cfg" "$url" || fail "curl https with a client certificate"
  cmp -s "$work/root/phones/basic.cfg" "$work/out/basic.cfg" || fail "https: content differs"
  ok "curl https with a client certificate: served byte-exact"
  if timeout 20 curl -sS -f --cacert "$pki/ca.pem" -o "$work/out/refused.cfg" "$url" \
    2>"$work/out/refused.log"; then
    fail "curl https without a client certificate was served"
  fi
  [ ! -s "$work/out/refused.cfg" ] || fail "https without a client certificate got content"
  wait_for grep -q '^https 127.0.0.1:[0-9]* tls failed' "$work/provserver.out" ||
    fail "no 'tls failed' line for the client without a certificate"
  ok "curl https without a client certificate: refused ($(head -c 80 "$work/out/refused.log"))"
  [ "$(grep -c '^https 127.0.0.1:[0-9]* "GET /phones/basic.cfg" 200' "$work/provserver.out")" = 1 ] ||
    fail "expected exactly one served request"
  ok "access log"
  stop
  ;;
fault)
  start --http 127.0.0.1:0 --tftp 127.0.0.1:0 --fault "http:status=503,retry-after=7s" \
    --fault tftp:drop
  grep -q '^status 503 retry-after=7s' "$work/provserver.out" || fail "no printed fault plan"
  ok "fault plan printed at start"
  port=$(port_of http)
  timeout 20 curl -sS -D "$work/out/headers" -o /dev/null "http://127.0.0.1:$port/firmware.bin" ||
    fail "curl http under a status fault"
  head -n 1 "$work/out/headers" | grep -q '^HTTP/1.1 503' || fail "not 503: $(cat "$work/out/headers")"
  grep -qi '^Retry-After: 7' "$work/out/headers" || fail "no Retry-After: $(cat "$work/out/headers")"
  ok "--fault http:status=503,retry-after=7s: curl gets 503 with Retry-After: 7"
  port=$(port_of tftp)
  if (cd "$work/out" && timeout 6 tftp 127.0.0.1 "$port" -m binary -c get firmware.bin \
    "$work/out/dropped.bin") >"$work/out/dropped.log" 2>&1 && [ -s "$work/out/dropped.bin" ]; then
    fail "tftp get under tftp:drop was served"
  fi
  ok "--fault tftp:drop: tftp-hpa gets nothing ($(head -c 60 "$work/out/dropped.log"))"
  stop
  # Latency: each reply leaves 1.5 s late, and two held replies wait side by side (a timer per
  # connection, not a server that sleeps).
  start --http 127.0.0.1:0 --fault http:latency=1500ms
  port=$(port_of http)
  started_ns=$(date +%s%N)
  timeout 20 curl -sS -o "$work/out/late1.bin" "http://127.0.0.1:$port/firmware.bin" &
  first=$!
  timeout 20 curl -sS -o "$work/out/late2.bin" -w '%{time_total}\n' \
    "http://127.0.0.1:$port/firmware.bin" >"$work/out/late2.time" || fail "curl under http:latency"
  wait "$first" || fail "the first curl under http:latency"
  elapsed_ms=$((($(date +%s%N) - started_ns) / 1000000))
  cmp -s "$work/root/firmware.bin" "$work/out/late1.bin" || fail "late1.bin differs"
  cmp -s "$work/root/firmware.bin" "$work/out/late2.bin" || fail "late2.bin differs"
  awk '$1 >= 1.5 { late = 1 } END { exit !late }' "$work/out/late2.time" ||
    fail "reply not held 1.5 s: curl took $(cat "$work/out/late2.time") s"
  [ "$elapsed_ms" -lt 2900 ] || fail "two held replies took $elapsed_ms ms: one after the other"
  ok "--fault http:latency=1500ms: two curls get the file $(cat "$work/out/late2.time") s late, together in $elapsed_ms ms"
  stop
  ;;
syslog)
  start --syslog 127.0.0.1:0 --syslog-out "$work/out/syslog.txt"
  port=$(port_of syslog)
  for n in 1 2 3; do
    timeout 10 logger --udp --server 127.0.0.1 --port "$port" -t phonesim-interop \
      "CP-8841-3PCC 000e08abcdef -- line $n" || fail "logger line $n"
  done
  tries=0
  until [ "$(grep -c '000e08abcdef -- line' "$work/out/syslog.txt" 2>/dev/null || true)" = 3 ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 50 ] || fail "syslog-out has not 3 lines: $(cat "$work/out/syslog.txt")"
    sleep 0.1
  done
  for n in 1 2 3; do
    grep -q "127\.0\.0\.1:[0-9]* user\.notice .*000e08abcdef -- line $n\$" "$work/out/syslog.txt" ||
      fail "line $n not in syslog-out: $(cat "$work/out/syslog.txt")"
  done
  ok "logger --udp: 3 lines in --syslog-out"
  stop
  ;;
limit)
  start --http 127.0.0.1:0 --tftp 127.0.0.1:0 --limit http=1,queue=1 --limit tftp=1,queue=1 \
    --fault tftp:latency=5s
  port=$(port_of http)
  # A: an upload whose body trickles in for 6 s holds the one place; B arrives 1.5 s later and
  # waits; C arrives 1.5 s after B and finds the queue full.
  ( (sleep 6; echo report) | timeout 30 curl -sS -H 'Expect:' -T - -o /dev/null \
    -w '%{http_code}' "http://127.0.0.1:$port/upload.txt" >"$work/out/a.code" 2>&1 ) &
  upload=$!
  sleep 1.5
  timeout 30 curl -sS -o "$work/out/b.bin" -w '%{http_code} %{time_total}\n' \
    "http://127.0.0.1:$port/firmware.bin" >"$work/out/b.result" 2>&1 &
  waiting=$!
  sleep 1.5
  if timeout 30 curl -sS -o /dev/null "http://127.0.0.1:$port/phones/basic.cfg" \
    2>"$work/out/c.log"; then
    fail "http: the third connection was served past the queue"
  fi
  ok "--limit http=1,queue=1: the third curl is closed unread ($(head -c 60 "$work/out/c.log"))"
  wait "$upload" || fail "the uploading curl failed: $(cat "$work/out/a.code")"
  wait "$waiting" || fail "the waiting curl failed: $(cat "$work/out/b.result")"
  grep -q '^2' "$work/out/a.code" || fail "upload answered $(cat "$work/out/a.code")"
  read -r code seconds <"$work/out/b.result"
  [ "$code" = 200 ] || fail "the waiting curl got $code"
  cmp -s "$work/root/firmware.bin" "$work/out/b.bin" || fail "the waiting curl: content differs"
  awk -v s="$seconds" 'BEGIN { exit !(s >= 2.0) }' || fail "the waiting curl took only $seconds s"
  # provserver writes its access log every 100 ms: wait for both lines before comparing them.
  wait_for grep -q '"GET /firmware.bin" 200' "$work/provserver.out" ||
    fail "no access-log line for the waiting GET"
  put_line=$(grep -n '"PUT /upload.txt" 2' "$work/provserver.out" | cut -d: -f1)
  get_line=$(grep -n '"GET /firmware.bin" 200' "$work/provserver.out" | cut -d: -f1)
  if [ -z "$put_line" ] || [ -z "$get_line" ] || [ "$put_line" -gt "$get_line" ]; then
    fail "the waiting GET was not served after the upload"
  fi
  ok "--limit http=1,queue=1: the second curl waited ${seconds} s and was served after the first"

  port=$(port_of tftp)
  get() { (cd "$work/out" && timeout 30 tftp 127.0.0.1 "$port" -m binary -c get firmware.bin "$1"); }
  get "$work/out/t1.bin" >"$work/out/t1.log" 2>&1 &
  first=$!
  sleep 1
  get "$work/out/t2.bin" >"$work/out/t2.log" 2>&1 &
  second=$!
  sleep 1
  get "$work/out/t3.bin" >"$work/out/t3.log" 2>&1 || true
  grep -q 'server busy' "$work/out/t3.log" || fail "tftp: the third get: $(cat "$work/out/t3.log")"
  ok "--limit tftp=1,queue=1: the third tftp-hpa get is told server busy"
  wait "$first" || fail "tftp: the first get failed"
  wait "$second" || fail "tftp: the second get failed"
  cmp -s "$work/root/firmware.bin" "$work/out/t1.bin" || fail "tftp: the first get differs"
  cmp -s "$work/root/firmware.bin" "$work/out/t2.bin" || fail "tftp: the waiting get differs"
  # Served in arrival order: the waiting get's record (ms from its arrival) is the second one
  # took its own 5 s latency plus its wait for the first one (arrived 1 s after it: about 4 s).
  completed='^tftp 127.0.0.1:[0-9]* RRQ firmware.bin completed 100000 bytes'
  # A transfer is logged when its last ACK arrives (after the client exits) and the log is
  # written every 100 ms: wait until both records are there.
  two_completed() { [ "$(grep -c "$completed" "$work/provserver.out")" -ge 2 ]; }
  wait_for two_completed || true
  records=$(grep "$completed" "$work/provserver.out")
  [ "$(echo "$records" | wc -l)" = 2 ] || fail "tftp: expected two completed records: $records"
  waited_ms=$(echo "$records" | sed -n '2s/.* \([0-9]*\) ms$/\1/p')
  [ "$waited_ms" -ge 5500 ] || fail "tftp: the waiting get took only $waited_ms ms"
  ok "--limit tftp=1,queue=1: the second get waited and completed after the first (${waited_ms} ms)"
  stop
  grep -q '^queue http: peak 1 waited 1 refused 1 ' "$work/provserver.out" || fail "no http queue line"
  grep -q '^queue tftp: peak 1 waited 1 refused 1 ' "$work/provserver.out" || fail "no tftp queue line"
  ok "queue lines at exit"
  ;;
certswap)
  make_pki
  issue expired "/CN=127.0.0.1" 'subjectAltName=IP:127.0.0.1' -1
  issue wrong-host "/CN=wrong-host.invalid" 'subjectAltName=DNS:wrong-host.invalid' 2
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=an untrusted root" \
    -keyout "$pki/other-ca.key" -out "$pki/other-ca.pem" 2>/dev/null || fail "openssl: other CA"
  issue untrusted "/CN=127.0.0.1" 'subjectAltName=IP:127.0.0.1' 2 other-ca
  swaps="--swap-cert expired=$pki/expired.pem,$pki/expired.key"
  swaps="$swaps --swap-cert wrong-host=$pki/wrong-host.pem,$pki/wrong-host.key"
  swaps="$swaps --swap-cert untrusted=$pki/untrusted.pem,$pki/untrusted.key"
  fetch() {
    timeout 20 curl -sS -f --cacert "$pki/ca.pem" -o "$work/out/basic.cfg" \
      "https://127.0.0.1:$(port_of https)/phones/basic.cfg" 2>"$work/out/curl.log"
  }
  # shellcheck disable=SC2086 # $swaps is a list of words
  start --https 127.0.0.1:0 --cert "$pki/server.pem" --key "$pki/server.key" $swaps
  fetch || fail "curl https without a fault: $(cat "$work/out/curl.log")"
  cmp -s "$work/root/phones/basic.cfg" "$work/out/basic.cfg" || fail "https: content differs"
  ok "with --swap-cert but no certificate fault: served with the right certificate"
  stop
  for swap in expired wrong-host untrusted; do
    case "$swap" in
      expired) reason='expired' ;;
      wrong-host) reason='no alternative certificate subject name matches' ;;
      untrusted) reason='unable to get local issuer certificate' ;;
    esac
    # shellcheck disable=SC2086
    start --https 127.0.0.1:0 --cert "$pki/server.pem" --key "$pki/server.key" $swaps \
      --fault "https:certificate=$swap"
    status=0
    fetch || status=$?
    [ "$status" = 60 ] || fail "certificate=$swap: curl exit $status, not 60: $(cat "$work/out/curl.log")"
    grep -q "$reason" "$work/out/curl.log" ||
      fail "certificate=$swap: curl says $(cat "$work/out/curl.log")"
    grep -q "^certificate $swap" "$work/provserver.out" || fail "certificate=$swap: no printed plan"
    ok "--fault https:certificate=$swap: curl rejects it ($(head -n 1 "$work/out/curl.log" | head -c 100))"
    stop
  done
  status=0
  "$provserver" --root "$work/root" --https 127.0.0.1:0 --cert "$pki/server.pem" \
    --key "$pki/server.key" --fault https:certificate=expired >"$work/provserver.out" 2>&1 ||
    status=$?
  [ "$status" = 2 ] || fail "a certificate fault without --swap-cert: exit $status"
  grep -q 'needs --swap-cert expired=CERT,KEY' "$work/provserver.out" ||
    fail "a certificate fault without --swap-cert: $(cat "$work/provserver.out")"
  ok "a certificate fault without its --swap-cert: exit 2"
  ;;
esac
