#!/usr/bin/env bash
# Whole process against whole process: `critpath schedule` and TaskJuggler
# (Debian package tj3) on the same seeded random network, after checking
# that both compute the same dates. Needs tj3 and hyperfine
# (apt-get install -y tj3 hyperfine). TASKS sets the size (default 5000).
set -euo pipefail
cd "$(dirname "$0")/../.."
tasks=${TASKS:-5000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

go build -o "$dir/critpath" ./cmd/critpath
go run ./benchmarks/taskjuggler -tasks "$tasks" -seed 1 -out "$dir"
(cd "$dir" && tj3 --silent net-report.tjp)
go run ./benchmarks/taskjuggler -tasks "$tasks" -seed 1 -out "$dir" -check

tj3 --version | head -1
hyperfine --warmup 2 --min-runs 10 -N \
  --command-name critpath "$dir/critpath schedule $dir/net.json" \
  --command-name taskjuggler "tj3 --silent --no-reports $dir/net.tjp"
