#!/usr/bin/env bash
# usage: scripts/bench/wakeups.sh BIN SECONDS [ARGS...]
# Per-thread wake-ups a second and CPU (from /proc/PID/task/*/schedstat) of
# BIN ARGS idle in tmux at 120x40, over SECONDS after 8 s of start-up. Set
# INCIDENT_COCKPIT_STATE_DIR to a scratch directory first.
bin=$1; secs=$2; shift 2
sock=wk$$
tmux -L $sock new-session -d -x 120 -y 40 "$bin $* ; sleep 100"
sleep 8
pid=$(pgrep -P $(tmux -L $sock list-panes -F '#{pane_pid}') -f "$(basename $bin)" | head -1)
snap() { for t in /proc/$pid/task/*; do echo "$(cat $t/comm | tr ' ' _) $(awk '/ctxt_switches/{s+=$2} END{print s}' $t/status) $(awk '{print $1}' $t/schedstat)"; done; }
a=$(snap); sleep $secs; b=$(snap)
paste <(echo "$a") <(echo "$b") | awk -v s=$secs '{w=($5-$2)/s; c=($6-$3)/s/1e6; tw+=w; tc+=c; printf "%-16s %6.2f wakeups/s  %7.3f ms cpu/s\n", $1, w, c} END {printf "%-16s %6.2f wakeups/s  %7.3f ms cpu/s (%.3f %% of a core)\n", "TOTAL", tw, tc, tc/10}'
tmux -L $sock kill-server
