#!/bin/sh
# phoned resyncs from real provisioning servers on loopback (ctest interop.phoned_*, label
# interop). Profiles are made here by the system gzip and `openssl enc`; the result is checked
# through phoned's /admin/cfg.xml and the success syslog line at a python3 UDP listener.
#   tftpd        tftp-hpa's in.tftpd (foreground, temp root, high port): an encrypted gzip
#                profile ([--key K] rule, openssl enc -md sha256) and a plain one
#   nginx_http   nginx as the current user (temp prefix, pid file, 127.0.0.1): a gzip profile
#   nginx_https  nginx with ssl_verify_client on: phoned presents its MIC (certificates made by
#                the openssl CLI here) and nginx logs the MIC's subject; an encrypted profile
#
#   phoned_real_servers_interop.sh PHONED CASE WORK_DIR
#
# Exit 0 passed, 1 failed, 77 (ctest SKIP_RETURN_CODE) when a tool is missing (scripts/setup
# installs them all) or, for tftpd, without root (in.tftpd's -s needs chroot). Bounded: every
# wait at most 10 s, every client under `timeout`, all daemons killed on any exit.
set -eu
if [ "$#" -ne 3 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phoned=$1 case=$2 work=$3
PATH=$PATH:/usr/sbin:/sbin
logs="phoned.out phoned.err server.err error.log access.log syslog.txt"
. "$(dirname "$0")/interop_common.sh"
need curl timeout python3 gzip openssl
case "$case" in
  tftpd)
    need in.tftpd
    [ "$(id -u)" -eq 0 ] || { echo "skipped: in.tftpd -s (chroot) needs root"; exit 77; } ;;
  nginx_http | nginx_https) need nginx ;;
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
# A free port on 127.0.0.1 for servers that cannot report the port they bound (kernel-chosen,
# released just before the server binds it).
free_port() {
  python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0))
print(s.getsockname()[1])' "$1"
}

key=interop-secret
# profile NAME GPP_VALUE ENCRYPT: writes root/NAME as gzip, then openssl enc if ENCRYPT=yes.
profile() {
  printf '<flat-profile>\n  <GPP_A>%s</GPP_A>\n</flat-profile>\n' "$2" >"$work/plain.xml"
  gzip -9 -c "$work/plain.xml" >"$work/profile.gz" || fail "gzip"
  if [ "$3" = yes ]; then
    openssl enc -aes-256-cbc -salt -md sha256 -pass "pass:$key" -in "$work/profile.gz" \
      -out "$work/root/$1" || fail "openssl enc"
  else
    cp "$work/profile.gz" "$work/root/$1"
  fi
}

# The syslog listener: every datagram appended to syslog.txt.
python3 - "$work/syslog.port" "$work/syslog.txt" >"$work/syslog.err" 2>&1 <<'PYTHON' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(120)  # bounded even if nobody kills it
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        data = s.recv(4096)
        out.write(data.decode("utf-8", "replace") + "\n")
        out.flush()
PYTHON
daemons="$daemons $!"
wait_for test -s "$work/syslog.port" || fail "syslog listener did not start"
syslog_port=$(cat "$work/syslog.port")

admin_get() { timeout 10 curl -sS -f "http://127.0.0.1:$admin_port$1"; }
cfg_has() { admin_get /admin/cfg.xml >"$work/cfg.xml" && grep -q "$1" "$work/cfg.xml"; }
# start_phoned ARGS...: phoned with its syslog at the listener and no random delay.
start_phoned() {
  "$phoned" --mac 00:0e:08:ab:cd:ef --state-dir "$work/state" --admin 127.0.0.1:0 --sip none \
    --param Resync_Random_Delay=0 --param "Syslog_Server=127.0.0.1:$syslog_port" "$@" \
    >"$work/phoned.out" 2>"$work/phoned.err" &
  daemons="$daemons $!"
  wait_for grep -q '^admin ' "$work/phoned.out" || fail "phoned did not start"
  admin_port=$(sed -n 's/^admin 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/phoned.out")
}
# expect_resync VALUE URL: the profile's GPP_A in cfg.xml and the success line in syslog.
expect_resync() {
  wait_for cfg_has "<GPP_A ua=\"na\">$1</GPP_A>" || fail "GPP_A=$1 not in cfg.xml"
  wait_for grep -q "Successful resync $2" "$work/syslog.txt" || fail "no syslog line for $2"
}

# nginx_start EXTRA_SERVER_CONFIG: nginx as the current user with everything under $work.
nginx_start() {
  cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;  # one process: killing it leaves no orphaned worker behind
user $(id -un);
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log info;
events { worker_connections 64; }
http {
  log_format interop '\$request \$status client="\$ssl_client_s_dn" verify=\$ssl_client_verify';
  access_log $work/access.log interop;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  default_type application/octet-stream;
  server {
    $1
    root $work/root;
  }
}
EOF
  nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" 2>"$work/server.err" &
  daemons="$daemons $!"
  wait_for test -s "$work/nginx.pid" || fail "nginx did not start"
}

case "$case" in
tftpd)
  port=$(free_port SOCK_DGRAM)
  profile secret.cfg from-tftpd-encrypted yes
  profile plain.cfg from-tftpd-plain no
  in.tftpd -L -a "127.0.0.1:$port" -u "$(id -un)" -s "$work/root" 2>"$work/server.err" &
  daemons="$daemons $!"
  sleep 0.3
  start_phoned --param "Profile_Rule=[--key $key]tftp://127.0.0.1:$port/secret.cfg"
  expect_resync from-tftpd-encrypted "tftp://127.0.0.1:$port/secret.cfg"
  ok "power-up resync from in.tftpd: openssl enc + gzip profile, syslog line"
  admin_get "/admin/resync?tftp://127.0.0.1:$port/plain.cfg" >/dev/null || fail "admin resync"
  expect_resync from-tftpd-plain "tftp://127.0.0.1:$port/plain.cfg"
  ok "admin resync from in.tftpd: gzip profile"
  ;;
nginx_http)
  port=$(free_port SOCK_STREAM)
  profile gz.cfg from-nginx-http no
  nginx_start "listen 127.0.0.1:$port;"
  start_phoned --param "Profile_Rule=http://127.0.0.1:$port/gz.cfg"
  expect_resync from-nginx-http "http://127.0.0.1:$port/gz.cfg"
  grep -q '^GET /gz.cfg HTTP/1.1 200' "$work/access.log" || fail "nginx access log"
  ok "power-up resync from nginx over HTTP: gzip profile, syslog line, access log"
  ;;
nginx_https)
  port=$(free_port SOCK_STREAM)
  pki="$work/pki"
  mkdir -p "$pki"
  ossl() { openssl "$@" 2>>"$work/openssl.err" || fail "openssl $1"; }
  ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=interop server CA" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem"
  ossl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$pki/server.key" \
    -out "$pki/server.csr"
  printf 'subjectAltName=IP:127.0.0.1\n' >"$pki/server.ext"
  ossl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/server.ext" -out "$pki/server.pem"
  # The MIC: issued by a separate manufacturer CA, subject as decisions.md says.
  ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=interop manufacturer CA" \
    -keyout "$pki/mic-ca.key" -out "$pki/mic-ca.pem"
  ossl req -newkey rsa:2048 -nodes \
    -subj "/OU=CP-8841-3PCC/L=88012BA01234/ST=000e08abcdef/CN=000e08abcdef" \
    -keyout "$pki/mic.key" -out "$pki/mic.csr"
  ossl x509 -req -in "$pki/mic.csr" -CA "$pki/mic-ca.pem" -CAkey "$pki/mic-ca.key" \
    -CAcreateserial -days 2 -out "$pki/mic.pem"
  profile secret.cfg from-nginx-https yes
  nginx_start "listen 127.0.0.1:$port ssl;
    ssl_certificate $pki/server.pem;
    ssl_certificate_key $pki/server.key;
    ssl_client_certificate $pki/mic-ca.pem;
    ssl_verify_client on;"
  # Without a MIC nginx refuses (400 "No required SSL certificate was sent").
  code=$(timeout 10 curl -sS -o /dev/null -w '%{http_code}' --cacert "$pki/ca.pem" \
    "https://127.0.0.1:$port/secret.cfg" || true)
  [ "$code" = 400 ] || fail "nginx served without a client certificate ($code)"
  start_phoned --ca "$pki/ca.pem" --client-cert "$pki/mic.pem" --client-key "$pki/mic.key" \
    --param "Profile_Rule=[--key $key]https://127.0.0.1:$port/secret.cfg"
  expect_resync from-nginx-https "https://127.0.0.1:$port/secret.cfg"
  grep -q '^GET /secret.cfg HTTP/1.1 200 client=".*CN=000e08abcdef.*" verify=SUCCESS' \
    "$work/access.log" || fail "nginx did not verify the MIC: $(cat "$work/access.log")"
  ok "power-up resync from nginx over HTTPS with ssl_verify_client on: MIC verified, encrypted profile"
  ;;
esac
