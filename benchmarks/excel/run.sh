#!/usr/bin/env bash
# critpath's workbook against exceljs (npm) writing the very same cells:
# a seeded random project of TASKS tasks (default 10000) with 40 crews is
# written by `critpath convert net.json out.xlsx` (read, schedule, write
# every sheet) and, from critpath's workbook dumped cell by cell with its
# styles, by exceljs's streaming writer. Whole processes are timed and
# their peak memory (maximum resident set) taken with GNU time, RUNS times
# each (default 5), interleaved. Needs Node.js and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
tasks=${TASKS:-10000}
runs=${RUNS:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

go build -o "$dir/critpath" ./cmd/critpath
go run ./benchmarks/excel -tasks "$tasks" -seed 1 -out "$dir"
cp benchmarks/excel/write.js "$dir/"
(cd "$dir" && npm init -y >/dev/null && npm install --silent exceljs@4 >/dev/null)
echo "exceljs $(cd "$dir" && node -p 'require("exceljs/package.json").version'), node $(node --version), $(go version | cut -d' ' -f3)"

for i in $(seq "$runs"); do
  /usr/bin/time -f "critpath %e s %M KiB" "$dir/critpath" convert "$dir/net.json" "$dir/go.xlsx" >/dev/null 2>>"$dir/times"
  (cd "$dir" && /usr/bin/time -f "exceljs %e s %M KiB" node write.js cells.json js.xlsx >>"$dir/inner" 2>>"$dir/times")
done
awk '{print $3}' "$dir/inner" | sort -n | awk '{a[NR]=$1} END {print "exceljs write alone (JSON already parsed), median:", a[int((NR+1)/2)], "ms"}'
go run ./benchmarks/excel -tasks "$tasks" -seed 1 -time "$runs"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
tc=$(awk '$1=="critpath"{print $2}' "$dir/times" | median)
te=$(awk '$1=="exceljs"{print $2}' "$dir/times" | median)
mc=$(awk '$1=="critpath"{print $4}' "$dir/times" | median)
me=$(awk '$1=="exceljs"{print $4}' "$dir/times" | median)
echo "whole process, median of $runs: critpath $tc s $((mc/1024)) MiB; exceljs $te s $((me/1024)) MiB"
awk -v tc="$tc" -v te="$te" -v mc="$mc" -v me="$me" 'BEGIN {printf "exceljs ÷ critpath: time %.1f×, peak memory %.1f×\n", te/tc, me/mc}'
ls -l "$dir/go.xlsx" "$dir/js.xlsx" | awk '{print $5, $9}'
