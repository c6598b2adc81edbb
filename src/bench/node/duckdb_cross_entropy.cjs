// DuckDB's answer to xent's question (issue 17): the mean cross-entropy of class-index rows, as one SQL query over
// Parquet files or a JSON-lines file, on DuckDB through @duckdb/node-api (installed by bin/xent-bench under
// target/bench/duckdb; XENT_DUCKDB_MODULES names its node_modules folder).
// Usage: node duckdb_cross_entropy.cjs (parquet|json) PATH_GLOB THREADS
// Prints one TSV line: the mean, the in-query seconds (the query alone: not Node's start, not DuckDB's load).
// node duckdb_cross_entropy.cjs to-parquet JSON_FILE PARQUET_FILE: writes the JSON lines' rows as they are to Parquet
// (the digits sample as Parquet: double logits, bigint target).
// DuckDB sums in parallel in no fixed order: the last digits of its mean move from run to run.
'use strict';
const path = require('path');
const modules = process.env.XENT_DUCKDB_MODULES;
const { DuckDBInstance } = require(modules ? path.join(modules, '@duckdb/node-api') : '@duckdb/node-api');

async function main() {
  const [format, input, threads] = process.argv.slice(2);
  if (format === 'to-parquet') {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT * FROM read_json_auto('${input}')) TO '${threads}' (FORMAT parquet)`);
    return;
  }
  const source = format === 'json' ? `read_json_auto('${input}')` : `read_parquet('${input}')`;
  const sql = `WITH s AS (SELECT logits, target, list_max(logits)::DOUBLE m FROM ${source}) `
    + 'SELECT avg(m + ln(list_sum(list_transform(logits, x -> exp(x::DOUBLE - m)))) - logits[target+1]::DOUBLE) '
    + 'FROM s';
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  const start = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mean = reader.getRows()[0][0];
  process.stdout.write(`${mean}\t${seconds}\n`);
}

main().catch((e) => {
  process.stderr.write(`duckdb: ${e.message}\n`);
  process.exit(1);
});
