#!/usr/bin/env bash
# critpath's Redis job queue (adapters/redis) against BullMQ 6.7 (npm,
# Node.js) on one throw-away redis-server listening on a Unix socket,
# interleaved RUNS times (default 3): add (100 in flight), add-bulk of
# 50, a worker with concurrency 100 on N no-op jobs (default 100,000),
# then enqueue→start latency at half of each one's measured worker peak;
# then critpath's worker processes killed (SIGKILL) and stopped (SIGTERM)
# holding 1,000 jobs in flight. One JSON line per measurement. Needs
# redis-server, Node.js and npm; not run in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${N:-100000}
runs=${RUNS:-3}
dir=$(mktemp -d)
trap 'redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --dir "$dir" \
  --save '' --appendonly no --daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
for _ in $(seq 100); do [ -S "$dir/redis.sock" ] && break; sleep 0.1; done
export REDIS_SOCKET=$dir/redis.sock

(cd benchmarks/jobs/bullmq && npm ci --prefix . --no-audit --no-fund --silent >/dev/null)
go build -o "$dir/jobs" ./benchmarks/jobs
echo "redis $(redis-server --version | cut -d' ' -f3), bullmq $(node -p 'require("./benchmarks/jobs/bullmq/node_modules/bullmq/package.json").version'), node $(node --version), $(go version | cut -d' ' -f3), load $(cut -d' ' -f1-3 /proc/loadavg)"

bull() { (cd benchmarks/jobs/bullmq && node bench.js "$@"); }
rate() { sed 's/.*"jobs_per_s":\([0-9.]*\).*/\1/' | sort -n | awk '{a[NR]=$1} END {printf "%d", a[int((NR+1)/2)]/2}'; }
for i in $(seq "$runs"); do
  "$dir/jobs" -mode add -n "$n"
  bull add "$n"
  "$dir/jobs" -mode bulk -n "$n"
  bull bulk "$n"
  "$dir/jobs" -mode worker -n "$n" | tee -a "$dir/critpath.worker"
  bull worker "$n" | tee -a "$dir/bullmq.worker"
done
half_c=$(rate <"$dir/critpath.worker")
half_b=$(rate <"$dir/bullmq.worker")
for i in $(seq "$runs"); do
  "$dir/jobs" -mode latency -rate "$half_c" -seconds 10
  RATE=$half_b DURATION=10 bull latency
done
"$dir/jobs" -mode kill -n "$n" -concurrency 1000 -hold 50ms
"$dir/jobs" -mode term -n "$n" -concurrency 1000 -hold 50ms -deadline 5s
"$dir/jobs" -mode term -n 5000 -concurrency 1000 -hold 3s -deadline 1s
