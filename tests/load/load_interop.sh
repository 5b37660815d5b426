#!/bin/sh
# `phonesim load` against real provisioning servers on loopback (ctest interop.load_*, label
# interop). Each case runs a few phones with --until-converged and checks the JSON report: every
# phone converged, and the requests it counts match the server's access log.
#   provserver_http   provserver over HTTP; the report's own numbers and the Prometheus endpoint
#                     (scraped with curl while the phones wait out a random delay)
#   provserver_https  provserver over HTTPS with --client-ca: phonesim mints one MIC per phone
#                     from --mint-ca (a CA made by the openssl CLI); the profile is gzip + openssl
#                     enc (the system tools), fetched with [--key K]; provserver logs each MIC
#   nginx_http        nginx as the current user (temp prefix, 127.0.0.1)
#   tftpd             tftp-hpa's in.tftpd (needs root for -s); in.tftpd keeps no access log, so
#                     the report's request count is checked against the phones
#   threshold         --max-error-share 0 with a missing file: exit 1, the failure in JUnit
#   remote            a target outside loopback: exit 2 before any traffic
#
#   load_interop.sh PHONESIM PROVSERVER CASE WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) when a tool is missing. Bounded: every
# phonesim run has --duration, every wait at most 10 s, the servers are killed on any exit.
set -eu
if [ "$#" -ne 4 ]; then
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phonesim=$1 provserver=$2 case=$3 work=$4
PATH=$PATH:/usr/sbin:/sbin
logs="load.out load.err server.out server.err access.log error.log"
. "$(dirname "$0")/../firmware-core/target/interop_common.sh"
need python3 timeout
case "$case" in
  provserver_http) need curl ;;
  provserver_https) need openssl gzip ;;
  nginx_http) need nginx ;;
  tftpd)
    need in.tftpd
    [ "$(id -u)" -eq 0 ] || { echo "skipped: in.tftpd -s (chroot) needs root"; exit 77; } ;;
  threshold | remote) ;;
  *) echo "unknown case '$case'" >&2; exit 2 ;;
esac

rm -rf "$work"
mkdir -p "$work/root" "$work/tmp"
work=$(cd "$work" && pwd)
daemons=
cleanup() {
  for process in $daemons; do kill -KILL "$process" 2>/dev/null || true; done
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0))
print(s.getsockname()[1])' "$1"
}
# json FIELD: a top-level field of the JSON report (figures.NAME for a figure).
json() {
  python3 -c 'import json,sys
data=json.load(open(sys.argv[1]))
for part in sys.argv[2].split("."): data=data[part]
print(data)' "$work/report.json" "$1"
}
printf '<flat-profile>\n  <GPP_A>from-load</GPP_A>\n</flat-profile>\n' >"$work/root/plain.xml"
phones=12

# load ARGS...: phonesim load with the JSON report; sets $status.
load() {
  status=0
  timeout 60 "$phonesim" load --phones "$phones" --duration "${duration:-30}" --json "$work/report.json" "$@" \
    >"$work/load.out" 2>"$work/load.err" || status=$?
}
# expect_converged SERVER_LOG PATTERN: exit 0, all phones converged, requests == access log lines.
expect_converged() {
  [ "$status" -eq 0 ] || fail "phonesim load exit $status"
  [ "$(json phones_converged)" = "$phones" ] || fail "converged $(json phones_converged) of $phones"
  requests=$(json figures.requests)
  [ "$requests" -ge "$phones" ] || fail "only $requests requests for $phones phones"
  wait_for sh -c "[ \"\$(grep -c '$2' '$1')\" = '$requests' ]" ||
    fail "the server logged $(grep -c "$2" "$1") requests, the report counts $requests"
  ok "$phones phones converged; $requests requests, as in the server's log"
}
# start_provserver ARGS...: provserver on free ports; sets $port (the first server's).
start_provserver() {
  "$provserver" --root "$work/root" "$@" >"$work/server.out" 2>"$work/server.err" &
  daemons="$daemons $!"
  wait_for grep -q '^listening ' "$work/server.out" || fail "provserver did not start"
  port=$(sed -n 's/^listening [a-z]* 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out" | head -n 1)
}

case "$case" in
provserver_http)
  start_provserver --http 127.0.0.1:0
  prometheus_port=$(free_port SOCK_STREAM)
  # A random delay (Resync_Random_Delay 2: up to 40 s, played 20 times faster) keeps the run alive long enough to scrape
  # it, and exercises --time-scale.
  load --profile-rule "http://127.0.0.1:$port/plain.xml" --param Resync_Random_Delay=2 --time-scale 20 \
    --until-converged --prometheus "127.0.0.1:$prometheus_port" --report "$work/html" &
  loader=$!
  wait_for sh -c "curl -sf http://127.0.0.1:$prometheus_port/metrics >'$work/metrics.txt'" ||
    fail "no Prometheus endpoint"
  wait "$loader" || true
  grep -q '^# TYPE phonesim_load_resync_latency_seconds histogram$' "$work/metrics.txt" ||
    fail "Prometheus text lacks the latency histogram"
  grep -q "^phonesim_load_phones $phones\$" "$work/metrics.txt" || fail "Prometheus: phones"
  ok "Prometheus endpoint answered while running"
  status=$(json passed | grep -q True && echo 0 || echo 1)
  expect_converged "$work/server.out" '"GET /plain.xml" 200'
  [ -s "$work/html/index.html" ] || fail "no HTML report"
  ok "HTML report written"
  ;;
provserver_https)
  pki="$work/pki"
  mkdir -p "$pki"
  ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }
  ec -x509 -days 2 -subj "/CN=load interop server CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" ||
    fail "openssl: server CA"
  ec -subj "/CN=127.0.0.1" -keyout "$pki/server.key" -out "$pki/server.csr" || fail "openssl: server"
  printf 'subjectAltName=IP:127.0.0.1\n' >"$pki/server.ext"
  openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/server.ext" -out "$pki/server.pem" 2>/dev/null || fail "openssl: sign"
  ec -x509 -days 2 -subj "/CN=load interop MIC CA" -keyout "$pki/mic-ca.key" -out "$pki/mic-ca.pem" ||
    fail "openssl: MIC CA"
  cat "$pki/mic-ca.pem" "$pki/mic-ca.key" >"$pki/mic-ca-with-key.pem"
  gzip -9 -c "$work/root/plain.xml" >"$work/plain.gz" || fail "gzip"
  openssl enc -aes-256-cbc -salt -md sha256 -pass pass:load-secret -in "$work/plain.gz" \
    -out "$work/root/secret.cfg" || fail "openssl enc"
  start_provserver --https 127.0.0.1:0 --cert "$pki/server.pem" --key "$pki/server.key" \
    --client-ca "$pki/mic-ca.pem"
  load --profile-rule "[--key load-secret]https://127.0.0.1:$port/secret.cfg" \
    --param Resync_Random_Delay=0 --ca "$pki/ca.pem" --mint-ca "$pki/mic-ca-with-key.pem" \
    --until-converged
  expect_converged "$work/server.out" '"GET /secret.cfg" 200'
  ! grep -q 'load-secret' "$work/load.out" "$work/report.json" || fail "the key was printed"
  ! grep -q 'tls failed' "$work/server.out" || fail "a TLS handshake failed"
  ok "mutual TLS with minted MICs, gzip + openssl enc profile; the key is not printed"
  ;;
nginx_http)
  port=$(free_port SOCK_STREAM)
  cat >"$work/nginx.conf" <<NGINX
daemon off;
master_process off;
user $(id -un);
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log info;
events { worker_connections 256; }
http {
  access_log $work/access.log;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  server { listen 127.0.0.1:$port; root $work/root; }
}
NGINX
  nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" 2>"$work/server.err" &
  daemons="$daemons $!"
  wait_for test -s "$work/nginx.pid" || fail "nginx did not start"
  load --profile-rule "http://127.0.0.1:$port/plain.xml" --param Resync_Random_Delay=0 --until-converged
  expect_converged "$work/access.log" '"GET /plain.xml HTTP/1.1" 200'
  ;;
tftpd)
  port=$(free_port SOCK_DGRAM)
  in.tftpd -L -a "127.0.0.1:$port" -u "$(id -un)" -s "$work/root" 2>"$work/server.err" &
  daemons="$daemons $!"
  sleep 0.3
  load --profile-rule "tftp://127.0.0.1:$port/plain.xml" --param Resync_Random_Delay=0 --until-converged
  [ "$status" -eq 0 ] || fail "phonesim load exit $status"
  [ "$(json phones_converged)" = "$phones" ] || fail "converged $(json phones_converged) of $phones"
  [ "$(json figures.requests)" = "$phones" ] || fail "$(json figures.requests) requests for $phones phones"
  ok "$phones phones converged from in.tftpd, one request each"
  ;;
threshold)
  start_provserver --http 127.0.0.1:0
  duration=2 load --profile-rule "http://127.0.0.1:$port/missing.xml" --param Resync_Random_Delay=0 \
    --max-error-share 0 --junit "$work/junit.xml"
  [ "$status" -eq 1 ] || fail "exit $status, expected 1 for a failed threshold"
  grep -q '<failure' "$work/junit.xml" || fail "no <failure> in the JUnit report"
  grep -q 'file not found' "$work/junit.xml" || fail "the JUnit failure does not name the error"
  ok "a failed --max-error-share gives exit 1 and a JUnit failure"
  ;;
remote)
  load --profile-rule "http://192.0.2.10/plain.xml" --until-converged
  [ "$status" -eq 2 ] || fail "exit $status, expected 2 for a remote target"
  grep -q 'not loopback' "$work/load.err" || fail "the refusal does not say why"
  load --profile-rule "http://127.0.0.1:9/plain.xml" --bind 10.0.0.1-10.0.0.9
  [ "$status" -eq 2 ] || fail "exit $status, expected 2 for a non-local --bind"
  ok "targets and --bind outside loopback are refused with exit 2"
  ;;
esac
