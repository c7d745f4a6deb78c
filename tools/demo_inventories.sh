#!/bin/bash
# Build the demo in a temporary folder and write every inventory of its two workspaces
# (JSON, CSV, table) and the demo's own output into OUTDIR, with the temporary path replaced by
# DEMO, so that two runs can be compared byte for byte (issue 12: a refactoring must leave them
# identical):  tools/demo_inventories.sh /tmp/before; …change…; tools/demo_inventories.sh
# /tmp/after; diff -r /tmp/before /tmp/after
set -u
out=${1:?usage: tools/demo_inventories.sh OUTDIR}
bin=${LINGTAN_BIN:-.venv/bin/lingtan}
mkdir -p "$out"
d=$(mktemp -d)
"$bin" demo "$d/demo" > "$out/demo.stdout" 2>&1
echo "demo rc=$?" > "$out/rc"
for ws in disclosed synthetic; do
  years=$("$bin" snapshots -w "$d/demo/$ws" | awk '{print $2}' | sort -u)
  for y in $years; do
    f=$(echo "$y" | tr '/' '-')
    for fmt in json csv table; do
      "$bin" inventory -w "$d/demo/$ws" --year "$y" --format "$fmt" > "$out/$ws-$f.$fmt" 2>&1
    done
  done
done
sed -i "s#$d#DEMO#g" "$out"/*
rm -rf "$d"
