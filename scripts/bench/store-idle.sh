#!/usr/bin/env bash
# usage: scripts/bench/store-idle.sh ROUNDS SECONDS BIN [BIN...]
# An idle seat connected to a 3-node NATS JetStream cluster (R3, started
# here on loopback ports 14331-14333 and 14341-14343), `open --playbook
# dicps` at 120x40: per round and binary (alternated), the load average,
# then scripts/bench/wakeups.sh (per-thread wake-ups and CPU a second over
# SECONDS, the store's runtime thread alone among them), then tuiprobe
# (CPU and bytes a tick over SECONDS after 10 s of start-up). Each run has
# a state directory of its own. Needs nats-server, tmux and
# ../shared/tools/tuiprobe.py.
set -u
rounds=$1; secs=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
probe=${TUIPROBE:-$here/../../../shared/tools/tuiprobe.py}
dir=$(mktemp -d)
trap 'for p in "$dir"/n*.pid; do kill "$(cat "$p")" 2>/dev/null; done; rm -rf "$dir"' EXIT
routes="nats-route://127.0.0.1:14341, nats-route://127.0.0.1:14342, nats-route://127.0.0.1:14343"
for i in 1 2 3; do
    cat >"$dir/n$i.conf" <<EOF
server_name: n$i
listen: 127.0.0.1:1433$i
jetstream { store_dir: "$dir/n$i" }
cluster { name: store-idle, listen: 127.0.0.1:1434$i, routes: [ $routes ] }
EOF
    nats-server -c "$dir/n$i.conf" >"$dir/n$i.log" 2>&1 &
    echo $! >"$dir/n$i.pid"
done
printf 'store:\n  servers:\n    - nats://127.0.0.1:14331\n    - nats://127.0.0.1:14332\n    - nats://127.0.0.1:14333\n' >"$dir/config.yaml"
sleep 5
for r in $(seq 1 "$rounds"); do
    for bin in "$@"; do
        echo "== round $r: $bin (load $(cut -d' ' -f1-3 /proc/loadavg))"
        INCIDENT_COCKPIT_STATE_DIR=$(mktemp -d -p "$dir") \
            "$here/wakeups.sh" "$bin" "$secs" --config "$dir/config.yaml" open --playbook dicps
        python3 "$probe" -q --cols 120 --rows 40 --seconds $((secs + 10)) --steady-start 10 \
            --refresh 1 --env INCIDENT_COCKPIT_STATE_DIR="$(mktemp -d -p "$dir")" \
            --json-out "$dir/probe.json" -- "$bin" --config "$dir/config.yaml" open --playbook dicps \
            >/dev/null
        python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m=m.get("median",m)
print("tuiprobe: cpu %s %% of a core, %s ms a tick, %s B a tick" % (m.get("cpu_steady_pct"), m.get("cpu_ms_per_refresh"), m.get("bytes_per_refresh")))' "$dir/probe.json"
        echo "   (load after: $(cut -d' ' -f1-3 /proc/loadavg))"
    done
done
