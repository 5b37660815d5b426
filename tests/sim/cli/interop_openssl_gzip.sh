#!/bin/sh
# Interoperability with the system tools, byte for byte, both ways:
#   phonesim profile pack  ->  openssl enc -d -aes-256-cbc -k K -md sha256|md5, gzip -d
#   gzip -n, openssl enc -aes-256-cbc -k K -md sha256|md5  ->  phonesim profile unpack
#
#   interop_openssl_gzip.sh PHONESIM INPUT WORK_DIR
#
# Exit 0 all equal, 1 a difference or a failing command, 77 (ctest SKIP_RETURN_CODE) when
# openssl or gzip is not installed.
set -eu
if [ "$#" -ne 3 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
phonesim=$1 input=$2 work=$3
for tool in openssl gzip cmp; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool is not installed"
    exit 77
  fi
done
mkdir -p "$work"
key=Interop-Key-7
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
same() {  # same FILE WHAT
  cmp -s "$input" "$1" || fail "$2: $1 differs from $input"
  checks=$((checks + 1))
  echo "ok: $2"
}

# phonesim -> system tools. openssl warns on stderr that -k's key derivation is deprecated.
"$phonesim" profile pack "$input" -o "$work/p.gz" --gzip 2>/dev/null || fail "pack --gzip"
gzip -d -c "$work/p.gz" >"$work/p.gz.xml" || fail "gzip -d of pack --gzip"
same "$work/p.gz.xml" "pack --gzip | gzip -d"
for md in sha256 md5; do
  for gz in "" --gzip; do
    out="$work/p$gz.$md.cfg"
    "$phonesim" profile pack "$input" -o "$out" $gz --key "$key" --md "$md" 2>/dev/null ||
      fail "pack $gz --md $md"
    openssl enc -d -aes-256-cbc -k "$key" -md "$md" -in "$out" -out "$out.dec" 2>/dev/null ||
      fail "openssl enc -d -md $md of pack $gz --md $md"
    if [ -n "$gz" ]; then
      gzip -d -c <"$out.dec" >"$out.xml" || fail "gzip -d after openssl -md $md"
    else
      cp "$out.dec" "$out.xml"
    fi
    same "$out.xml" "pack${gz:+ $gz} --key K --md $md | openssl enc -d -md $md${gz:+ | gzip -d}"
  done
done

# system tools -> phonesim
gzip -n -c "$input" >"$work/s.gz" || fail "gzip -n"
"$phonesim" profile unpack "$work/s.gz" -o "$work/s.gz.xml" 2>/dev/null || fail "unpack of gzip -n"
same "$work/s.gz.xml" "gzip -n | unpack"
for md in sha256 md5; do
  for source in "$input" "$work/s.gz"; do
    out="$work/s.$(basename "$source").$md.cfg"
    openssl enc -aes-256-cbc -k "$key" -md "$md" -in "$source" -out "$out" 2>/dev/null ||
      fail "openssl enc -md $md"
    "$phonesim" profile unpack "$out" -o "$out.xml" --key "$key" 2>"$out.log" ||
      fail "unpack --key of openssl enc -md $md of $source: $(cat "$out.log")"
    grep -q -- "-md $md" "$out.log" || fail "unpack did not report -md $md: $(cat "$out.log")"
    same "$out.xml" "openssl enc -md $md of $(basename "$source") | unpack --key K"
  done
done
echo "interop: $checks files equal byte for byte"
