#!/usr/bin/env bash
# critpath's realtime hub against Socket.IO 4.8 (npm, Node.js), side by
# side on this machine: installs the Socket.IO server's packages into
# benchmarks/realtime/socketio (npm ci --prefix), builds the critpath
# server and the load generator, raises the open-file limit as far as
# the hard limit allows, and runs every scenario on both servers — the
# servers pinned to CPU 0, the generator to CPU 1 (when taskset and two
# CPUs are there), loopback only, each scenario bounded in time and
# count — printing a JSON line per scenario and server and then a table
# of the figures with their ratios. Arguments go to the generator, e.g.
#   bash benchmarks/realtime/run.sh -scenarios idle,ramp
#   bash benchmarks/realtime/run.sh -scenarios editors -editors-duration 5m
# Needs node and npm, and redis-server for the two-node scenario (kill).
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

npm ci --prefix benchmarks/realtime/socketio --no-audit --no-fund --silent >/dev/null
go build -o "$dir/server" ./benchmarks/realtime/server
go build -o "$dir/load" ./benchmarks/realtime/load

pin=() servers=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin=(taskset -c 1) servers=0
fi
echo "socket.io $(node -p 'require("./benchmarks/realtime/socketio/node_modules/socket.io/package.json").version'), @socket.io/redis-adapter $(node -p 'require("./benchmarks/realtime/socketio/node_modules/@socket.io/redis-adapter/package.json").version'), node $(node --version), redis $(redis-server --version 2>/dev/null | cut -d' ' -f3 || echo none), $(go version | cut -d' ' -f3), open files $(ulimit -n), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"${pin[@]}" "$dir/load" -critpath "$dir/server" -socketio benchmarks/realtime/socketio -pin "$servers" "$@"
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
