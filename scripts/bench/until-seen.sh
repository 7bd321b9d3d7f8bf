#!/usr/bin/env bash
# Milliseconds from starting COMMAND in tmux (120x40) until TEXT is on its
# screen, polling every 5 ms. Usage: until-seen.sh TEXT COMMAND [ARGS...]
set -euo pipefail
text=$1
shift
sock=until-seen-$$
start=$(date +%s%N)
tmux -L "$sock" new-session -d -x 120 -y 40 "$@"
until tmux -L "$sock" capture-pane -p 2>/dev/null | grep -qF -- "$text"; do sleep 0.005; done
end=$(date +%s%N)
echo "$(((end - start) / 1000000)) ms until \"$text\""
tmux -L "$sock" kill-server
