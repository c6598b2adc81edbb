#!/usr/bin/env bash
# Issue 17's comparison, run by `XENT_BENCH_DUCKDB=1 bin/xent-bench` (after its Maven build): DuckDB (through
# @duckdb/node-api, installed with npm under target/bench/duckdb; 2 threads) and xent on the same files, whole
# process (`bin/xent evaluate --input DIR`, default settings, and a Node process running one query, both under
# /usr/bin/time: wall seconds and peak resident size) and in-job / in-query (InJobBench: xent's Evaluation and the
# Spark row floor in one local[2] session; DuckDB's query alone), then the table and the goals
# (src/bench/node/duckdb_table.cjs). Contenders alternate run by run; medians of XENT_BENCH_DUCKDB_RUNS (default 3)
# after one untimed run each (bin/xent's first run records its class-data-sharing archive: XENT_CDS=record).
# Inputs: the digits sample (data/digits/logits.jsonl as in the README, and as Parquet), 200,000 x 1,000 float
# logits in 8 files (770 MB), 1,600,000 x 1,000 in 32 files (6.1 GB), and C = 10 (20,000,000 rows, 8 files) for
# xent against the row floor; made once under XENT_BENCH_DATA (default target/bench/data).
# XENT_BENCH_DUCKDB_INPUTS: which of digits,770MB,6GB,C10 (default all); XENT_BENCH_DUCKDB_WARMUP=0: no untimed
# runs (the page cache and bin/xent's archive warm already); XENT_BENCH_DUCKDB_APPEND=1: add to the last run's
# results instead of starting afresh (to run the large inputs in parts on a loaded machine);
# XENT_BENCH_DUCKDB_INJOB=0: whole-process runs only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$HERE"
OUT="$HERE/target/bench/results"
DATA="${XENT_BENCH_DATA:-$HERE/target/bench/data}"
RUNS="${XENT_BENCH_DUCKDB_RUNS:-3}"
INPUTS=",${XENT_BENCH_DUCKDB_INPUTS:-digits,770MB,6GB,C10},"
JAVA_BIN="${JAVA:-java}"
CP="$HERE/target/bench/test-classes:$HERE/target/bench/classes:$(cat "$HERE/target/bench/classpath.txt")"
OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
  --add-modules=jdk.incubator.vector -Dlog4j2.configurationFile="$HERE/conf/log4j2.properties")
mkdir -p "$OUT"
WHOLE="$OUT/duckdb-whole.tsv"
INJOB="$OUT/duckdb-injob.tsv"
[[ "${XENT_BENCH_DUCKDB_APPEND:-0}" == 1 ]] || rm -f "$WHOLE" "$INJOB" "$OUT/duckdb.md"

DUCK="$HERE/target/bench/duckdb"
if [[ ! -d "$DUCK/node_modules/@duckdb/node-api" ]]; then
  echo "xent-bench: installing @duckdb/node-api with npm into $DUCK..." >&2
  mkdir -p "$DUCK"
  npm install --prefix "$DUCK" --no-audit --no-fund --silent @duckdb/node-api@1.5.6-r.1 >&2
fi
export XENT_DUCKDB_MODULES="$DUCK/node_modules"
duckdb() { node "$HERE/src/bench/node/duckdb_cross_entropy.cjs" "$@"; }

# The data, made once.
if [[ "$INPUTS" == *,digits,* && ! -s "$DATA/digits-parquet/part-0.parquet" ]]; then
  mkdir -p "$DATA/digits-parquet"
  duckdb to-parquet "$HERE/data/digits/logits.jsonl" "$DATA/digits-parquet/part-0.parquet"
fi
specs=()
[[ "$INPUTS" == *,770MB,* && ! -f "$DATA/c1000-n200000-f8/_SUCCESS" ]] && specs+=(1000:200000:8)
[[ "$INPUTS" == *,6GB,* && ! -f "$DATA/c1000-n1600000-f32/_SUCCESS" ]] && specs+=(1000:1600000:32)
[[ "$INPUTS" == *,C10,* && ! -f "$DATA/c10-n20000000-f8/_SUCCESS" ]] && specs+=(10:20000000:8)
if ((${#specs[@]})); then
  "$JAVA_BIN" -Xmx3g "${OPENS[@]}" -cp "$CP" dev.xent.bench.ParquetBench "$DATA" make "${specs[@]}"
fi
# bin/xent builds its jar when the sources changed (a rebuilt jar also means a new class-data-sharing archive, which
# the untimed first run records).

# One whole-process run: appends input, contender, seconds, peak resident KB, the mean, in-query seconds.
whole() {
  local input="$1" contender="$2" log="$OUT/duckdb-run.out" seconds rss mean inquery="-"
  shift 2
  if ! /usr/bin/time -f '%e %M' -o "$OUT/duckdb-run.time" "$@" > "$log" 2> "$OUT/duckdb-run.err"; then
    echo "xent-bench: failed: $*" >&2
    tail -n 5 "$OUT/duckdb-run.err" >&2
    return 1
  fi
  read -r seconds rss < <(tail -n 1 "$OUT/duckdb-run.time")
  if [[ "$contender" == DuckDB ]]; then
    IFS=$'\t' read -r mean inquery < "$log"
  else
    mean="$(grep -m 1 -E '^  "mean" : ' "$log" | sed -E 's/.*: ([^,]*),?/\1/')"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$input" "$contender" "$seconds" "$rss" "$mean" "$inquery" >> "$WHOLE"
  echo "  $input, $contender: $seconds s, $((rss / 1024)) MB, $mean" >&2
}
# Each input: one untimed run of each, then RUNS rounds, DuckDB then xent.
compare() {
  local input="$1" format="$2" glob="$3" path="$4"
  shift 4
  echo "xent-bench: $input (load average: $(cut -d ' ' -f 1-3 /proc/loadavg))..." >&2
  if [[ "${XENT_BENCH_DUCKDB_WARMUP:-1}" != 0 ]]; then
    duckdb "$format" "$glob" 2 > /dev/null
    XENT_CDS=record "$HERE/bin/xent" evaluate --input "$path" "$@" > /dev/null 2>&1
  fi
  for ((r = 0; r < RUNS; r++)); do
    whole "$input" DuckDB node "$HERE/src/bench/node/duckdb_cross_entropy.cjs" "$format" "$glob" 2
    whole "$input" xent "$HERE/bin/xent" evaluate --input "$path" "$@"
  done
}
injob=()
if [[ "$INPUTS" == *,digits,* ]]; then
  compare "digits JSON" json "$HERE/data/digits/logits.jsonl" "$HERE/data/digits/logits.jsonl" --group-by split
  compare "digits Parquet" parquet "$DATA/digits-parquet/*.parquet" "$DATA/digits-parquet"
  injob+=("digits JSON=json=$HERE/data/digits/logits.jsonl=10" "digits Parquet=parquet=$DATA/digits-parquet=10")
fi
if [[ "$INPUTS" == *,770MB,* ]]; then
  compare "200k x 1000 (770 MB)" parquet "$DATA/c1000-n200000-f8/*.parquet" "$DATA/c1000-n200000-f8"
  injob+=("200k x 1000 (770 MB)=parquet=$DATA/c1000-n200000-f8=1000")
fi
if [[ "$INPUTS" == *,6GB,* ]]; then
  compare "1.6M x 1000 (6.1 GB)" parquet "$DATA/c1000-n1600000-f32/*.parquet" "$DATA/c1000-n1600000-f32"
  injob+=("1.6M x 1000 (6.1 GB)=parquet=$DATA/c1000-n1600000-f32=1000")
fi
[[ "$INPUTS" == *,C10,* ]] && injob+=("C10: 20M x 10, 8 files=parquet=$DATA/c10-n20000000-f8=10")
[[ "${XENT_BENCH_DUCKDB_INJOB:-1}" != 0 ]] || injob=()
((${#injob[@]})) || { node "$HERE/src/bench/node/duckdb_table.cjs" "$WHOLE" "$INJOB"; exit 0; }
echo "xent-bench: in-job, one local[2] session, bin/xent's JVM options (load average: $(cut -d ' ' -f 1-3 /proc/loadavg))..." >&2
# shellcheck disable=SC2086
"$JAVA_BIN" ${XENT_BENCH_INJOB_OPTS:--XX:+UseParallelGC -Xmx1g} "${OPENS[@]}" -cp "$CP" dev.xent.bench.InJobBench \
  "$RUNS" "${injob[@]}" >> "$INJOB"
{
  echo "load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg); $RUNS runs each; $(nproc) cores"
  echo
  node "$HERE/src/bench/node/duckdb_table.cjs" "$WHOLE" "$INJOB"
} | tee "$OUT/duckdb.md"
