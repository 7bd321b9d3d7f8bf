#!/usr/bin/env bash
# Pods at scale: for each count, the fake API server (tests/kube.rs) serves
# that many Running pods and the release binary watches them at 120x40.
#  1. in tmux: the time from start to "Pods N/N ready" on screen, and the
#     resident memory once synced (VmHWM: the peak; VmRSS: now);
#  2. in tuiprobe (../shared/tools/tuiprobe.py): idle CPU and bytes to the
#     terminal per clock tick, over a steady window after the sync; and, in
#     the same run, htop's, for comparison.
# Usage: scripts/bench/pods-idle.sh [COUNT...]   (default 100 10000 50000 100000)
# FAKE_KUBE_PAGE=N makes the server answer N pods a page (0: all at once);
# unset, it honours the client's limit (kube's watcher asks for 500).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${CARGO_TARGET_DIR:-target}/release/incident-cockpit
probe=${TUIPROBE:-../shared/tools/tuiprobe.py}
[ -f "$probe" ] || { echo "pods-idle.sh: no tuiprobe at $probe (set TUIPROBE=path)" >&2; exit 2; }
cargo build --release --quiet
cargo test --release --test suite --no-run --quiet 2>/dev/null
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 10000 50000 100000)
secs=${SECONDS_IDLE:-30}
for n in "${counts[@]}"; do
    log=$(mktemp) kc=$(mktemp) state=$(mktemp -d) out=$(mktemp)
    FAKE_KUBE_KUBECONFIG=$kc FAKE_KUBE_PODS=$n FAKE_KUBE_SECONDS=$((secs + 90)) \
        setsid cargo test --release --test suite -- --ignored serve_fake_for_measurement --nocapture 2>"$log" >/dev/null &
    fake=$!
    until grep -q "fake API server" "$log"; do sleep 0.1; done
    sock=pods-idle-$$
    start=$(date +%s%N)
    tmux -L "$sock" new-session -d -x 120 -y 40 \
        "INCIDENT_COCKPIT_STATE_DIR=$state KUBECONFIG=$kc $bin open --playbook dicps --namespace shop --selector app=web"
    until tmux -L "$sock" capture-pane -p | grep -qF "Pods $n/$n ready"; do sleep 0.005; done
    synced=$((($(date +%s%N) - start) / 1000000))
    # The pane's own process (never another user's run of the same command).
    pid=$(tmux -L "$sock" list-panes -F "#{pane_pid}")
    # The cockpit's own CPU until then (user + system, in clock ticks):
    # what the sync cost it, whatever else shares the cores (the fake
    # server, other builds) and stretches the wall time.
    hz=$(getconf CLK_TCK)
    cpu=$(awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz }' "/proc/$pid/stat")
    sleep 2
    mem=$(grep -E "VmHWM|VmRSS" "/proc/$pid/status" | tr -s " \t\n" " ")
    tmux -L "$sock" kill-server
    sleep 1
    # Idle: the steady window starts once the pods are synced and drawn.
    python3 "$probe" --cols 120 --rows 40 --seconds "$secs" --steady-start $((synced / 1000 + 5)) \
        --refresh 1 --label "cockpit $n pods" --json-out "$out.c" -q \
        --env "INCIDENT_COCKPIT_STATE_DIR=$state" --env "KUBECONFIG=$kc" -- \
        $bin open --playbook dicps --namespace shop --selector app=web >/dev/null 2>&1
    if command -v htop >/dev/null; then
        python3 "$probe" --cols 120 --rows 40 --seconds "$secs" --steady-start 5 --refresh 1 \
            --label htop --json-out "$out.h" -q -- htop >/dev/null 2>&1
    fi
    python3 - "$n" "$synced" "$mem" "$out.c" "$out.h" "$cpu" <<'EOF'
import json, os, sys
n, synced, mem, c, h, cpu = sys.argv[1:7]
def get(path):
    if not os.path.exists(path):
        return None
    return json.load(open(path))["median"]
def fmt(label, r):
    if r is None:
        return f"{label}: not measured"
    return (f"{label}: {r['cpu_steady_pct']:.3f} % of a core, {r['steady_bytes_per_s']:.0f} B/s; "
            f"a tick {r['cpu_ms_per_refresh']:.2f} ms CPU, {r['bytes_per_refresh']:.0f} B; "
            f"peak RSS {r['peak_rss_mb']:.1f} MiB")
print(f"{n} pods: synced and drawn in {synced} ms (the cockpit's CPU {cpu} ms); {mem}")
print("  " + fmt("cockpit", get(c)))
print("  " + fmt("htop", get(h)))
EOF
    # The server would serve on for its whole time: stop it.
    # The fake's own process group (setsid above).
    kill -- -"$fake" 2>/dev/null || true
    wait "$fake" 2>/dev/null || true
    rm -rf "$log" "$kc" "$state" "$out" "$out.c" "$out.h"
done
