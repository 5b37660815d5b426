# Shared by the phoned shell tests (sourced, POSIX sh): skipping on a missing tool, failing with
# the logs, waiting boundedly. The sourcing script sets `work` (its scratch directory), `logs`
# (the files in it to show when it fails) and, if it waits longer than 10 s, `wait_seconds`.

# need TOOL...: exit 77 (ctest SKIP_RETURN_CODE) unless every tool is installed.
need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed"; exit 77; }
  done
}

# fail MESSAGE: print it and the tail of each log, exit 1.
fail() {
  echo "FAIL: $*" >&2
  for log in $logs; do
    [ -f "$work/$log" ] || continue
    echo "--- $log:" >&2
    tail -n 60 "$work/$log" >&2
  done
  exit 1
}

ok() { echo "ok: $*"; }

# wait_for COMMAND...: retries every 0.1 s for up to $wait_seconds (default 10) seconds.
wait_for() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt "$((${wait_seconds:-10} * 10))" ] || return 1
    sleep 0.1
  done
}
