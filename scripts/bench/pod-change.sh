#!/usr/bin/env bash
# One pod change on screen: the fake API server (tests/kube.rs) serves PODS
# pods and, 8 s in, makes one crash-loop, saying when on stderr; the release
# binary watches them in tmux (120x40). Prints the time from the change to
# the screen showing it (polled every 5 ms), and the sync time.
# Usage: scripts/bench/pod-change.sh [PODS]   (from the repository root)
set -euo pipefail
pods=${1:-10000}
log=$(mktemp) kc=$(mktemp) state=$(mktemp -d)
FAKE_KUBE_KUBECONFIG=$kc FAKE_KUBE_PODS=$pods FAKE_KUBE_SECONDS=20 FAKE_KUBE_CHANGE_AFTER_S=8 \
    cargo test --release --test suite -- --ignored serve_fake_for_measurement --nocapture 2>"$log" >/dev/null &
until grep -q "fake API server" "$log"; do sleep 0.1; done
sock=pod-change-$$
start=$(date +%s%N)
tmux -L "$sock" new-session -d -x 120 -y 40 \
    "${EXTRA_ENV:-} INCIDENT_COCKPIT_STATE_DIR=$state KUBECONFIG=$kc ./target/release/incident-cockpit open --playbook dicps --namespace shop --selector app=web"
until tmux -L "$sock" capture-pane -p | grep -qF "Pods $pods/$pods"; do sleep 0.005; done
echo "start to $pods pods on screen: $((($(date +%s%N) - start) / 1000000)) ms"
until tmux -L "$sock" capture-pane -p | grep -qF "CrashLoopBackOff"; do sleep 0.005; done
seen=$(($(date +%s%N) / 1000000))
changed=$(sed -n 's/.* at \([0-9]*\)$/\1/p' "$log")
echo "pod change to screen: $((seen - changed)) ms"
pid=$(pgrep -n -f "incident-cockpit open --playbook dicps --namespace shop")
sleep 3
echo "resident memory: $(grep -E "VmHWM|VmRSS" "/proc/$pid/status" | tr -s " \t\n" " ")"
tmux -L "$sock" kill-server
wait
rm -rf "$log" "$kc" "$state"
