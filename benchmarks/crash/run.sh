#!/usr/bin/env bash
# `critpath crash` against GLPK's glpsol, whole process against whole
# process, on the same seeded random instances (see main.go): first the
# cross-check of optimize against glpsol on CHECKS random instances
# (default 60), then the timings at SIZES tasks (default 50,500,5000,
# RUNS runs of each, default 5) and at 20,000 tasks (RUNS20K runs,
# default 3: glpsol takes a minute or more there). Installs glpsol from
# Debian's glpk-utils when it is missing; without it both parts say they
# are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v glpsol >/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq glpk-utils; } ||
    echo "could not install glpk-utils (Debian): glpsol is missing" >&2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

go build -o "$dir/critpath" ./cmd/critpath
go build -o "$dir/bench" ./benchmarks/crash
"$dir/bench" -crosscheck "${CHECKS:-60}"
"$dir/bench" -critpath "$dir/critpath" -sizes "${SIZES:-50,500,5000}" -runs "${RUNS:-5}"
"$dir/bench" -critpath "$dir/critpath" -sizes 20000 -runs "${RUNS20K:-3}" | tail -n 1
