#!/usr/bin/env bash
# The idle tick: CPU and bytes to the terminal per clock tick of a drill
# with nothing happening (scripts/bench/quiet-drill.yaml: the bundled
# api-outage drill with no inject in its first hour), at 120x40 in
# tuiprobe (../shared/tools/tuiprobe.py), over a steady window of
# SECONDS_IDLE (default 60) after 8 s; each binary given in turn, then
# htop in the same run, ROUNDS times (default 2).
# Usage: scripts/bench/idle-tick.sh [BIN...]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
probe=${TUIPROBE:-../shared/tools/tuiprobe.py}
[ -f "$probe" ] || { echo "idle-tick.sh: no tuiprobe at $probe (set TUIPROBE=path)" >&2; exit 2; }
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
    cargo build --release --quiet
    bins=("${CARGO_TARGET_DIR:-target}/release/incident-cockpit")
fi
secs=${SECONDS_IDLE:-60}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
report() {
    python3 - "$1" "$2" <<'PY'
import json, sys
label, path = sys.argv[1:3]
j = json.load(open(path)); r = j["median"]
if r.get("cpu_ms_per_refresh") is None:
    print(f"{label}: not measured ({r.get('exit_reasons')})")
else:
    print(f"{label}: a tick {r['cpu_ms_per_refresh']:.3f} ms CPU, {r['bytes_per_refresh']:.1f} B; "
          f"{r['cpu_steady_pct']:.4f} % of a core, {r['steady_bytes_per_s']:.0f} B/s; load {j.get('loadavg_start', '?')}")
PY
}
for round in $(seq "${ROUNDS:-2}"); do
    for bin in "${bins[@]}"; do
        state=$(mktemp -d)
        python3 "$probe" --cols 120 --rows 40 --seconds $((secs + 8)) --steady-start 8 --refresh 1 \
            -q --json-out "$out/c.json" --env "INCIDENT_COCKPIT_STATE_DIR=$state" -- \
            "$bin" drill scripts/bench/quiet-drill.yaml >/dev/null 2>&1
        rm -rf "$state"
        report "round $round $bin" "$out/c.json"
    done
    if command -v htop >/dev/null; then
        python3 "$probe" --cols 120 --rows 40 --seconds $((secs + 8)) --steady-start 8 --refresh 1 \
            -q --json-out "$out/h.json" -- htop >/dev/null 2>&1
        report "round $round htop" "$out/h.json"
    fi
done
