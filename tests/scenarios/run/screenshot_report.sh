#!/bin/sh
# Renders the sample run report and takes a headless Chromium screenshot of it, so that the HTML
# report has been drawn by a real browser engine (issue #8). Exit 77 (ctest: skipped) when
# Chromium is not installed.
#
#   screenshot_report.sh RENDER_SAMPLE_REPORT OUTPUT_DIR
#
# Leaves OUTPUT_DIR/index.html and OUTPUT_DIR/report.png to look at.
set -eu
if [ "$#" -ne 2 ] || [ "$1" = "--help" ]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
render=$1
out=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "screenshot_report: chromium not installed; skipped"
  exit 77
fi
rm -rf "$out"
"$render" "$out"
# A throwaway profile; --no-sandbox because CI containers often run as root.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$out/profile" --window-size=1100,5200 \
  --screenshot="$out/report.png" "file://$(cd "$out" && pwd)/index.html" >"$out/chromium.log" 2>&1 || {
  cat "$out/chromium.log"
  exit 1
}
rm -rf "$out/profile"
# A real render of this page is far larger than an empty or error page.
size=$(wc -c <"$out/report.png")
if [ "$size" -lt 100000 ]; then
  echo "screenshot_report: $out/report.png is only $size bytes"
  exit 1
fi
echo "screenshot_report: $out/report.png ($size bytes)"
