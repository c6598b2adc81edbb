// The table and goals of the DuckDB comparison (issue 17), from the run's TSV files (src/bench/sh/duckdb-compare.sh):
// node duckdb_table.cjs whole.tsv injob.tsv
// whole.tsv: input, contender, seconds, peak resident KB, figure, DuckDB's in-query seconds (or -), one line per run;
// injob.tsv (InJobBench): input, contender, median seconds, figure, the JVM's peak resident bytes so far.
// Medians of the runs; ratios to DuckDB's whole process (whole-process rows) or its in-query time (in-job rows).
'use strict';
const fs = require('fs');
const [wholeFile, injobFile] = process.argv.slice(2);
const lines = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter((l) => l).map((l) => l.split('\t')) : []);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const inputs = [];
const rows = new Map(); // input -> contender -> {secs: [], rssKb: [], figure}
const row = (input, contender) => {
  if (!rows.has(input)) { rows.set(input, new Map()); inputs.push(input); }
  const m = rows.get(input);
  if (!m.has(contender)) m.set(contender, { secs: [], rssKb: [], figure: '' });
  return m.get(contender);
};
for (const [input, contender, secs, rssKb, figure, inQuery] of lines(wholeFile)) {
  const r = row(input, contender + ' whole process');
  r.secs.push(Number(secs)); r.rssKb.push(Number(rssKb)); r.figure = figure;
  if (inQuery && inQuery !== '-') {
    const q = row(input, contender + ' in-query');
    q.secs.push(Number(inQuery)); q.figure = figure;
  }
}
for (const [input, contender, secs, figure, rssBytes] of lines(injobFile)) {
  const r = row(input, contender);
  r.secs.push(Number(secs)); r.figure = figure; r.rssKb.push(Number(rssBytes) / 1024); r.jvm = true;
}
const med = (input, contender) => {
  const r = rows.get(input) && rows.get(input).get(contender);
  return r && r.secs.length ? median(r.secs) : NaN;
};
const peakKb = (input, contender) => {
  const r = rows.get(input) && rows.get(input).get(contender);
  return r && r.rssKb.length ? Math.max(...r.rssKb) : NaN;
};
console.log('| input | contender | median s | runs | ratio | peak resident | figure |');
console.log('|---|---|---:|---:|---:|---:|---|');
for (const input of inputs) {
  const duckWhole = med(input, 'DuckDB whole process');
  const duckQuery = med(input, 'DuckDB in-query');
  for (const [contender, r] of rows.get(input)) {
    const whole = contender.endsWith('whole process');
    const base = whole ? duckWhole : duckQuery;
    const m = median(r.secs);
    const ratio = Number.isFinite(base) ? (m / base).toFixed(2) + '×' : '-';
    const rss = r.rssKb.length ? (Math.max(...r.rssKb) / 1024).toFixed(0) + ' MB' + (r.jvm ? ' (JVM so far)' : '') : '-';
    console.log(`| ${input} | ${contender} | ${m.toFixed(3)} | ${r.secs.length} | ${ratio} | ${rss} | ${r.figure} |`);
  }
}
console.log('\n(ratio: to DuckDB\'s whole process for whole-process rows, to its in-query time for the others)\n');
const goal = (text, figure, ok) => console.log(`goal ${text}: ${figure}, ${ok ? 'met' : 'MISSED'}`);
const unmeasured = (text) => console.log(`goal ${text}: not measured in this run`);
const ratioGoal = (input, limit) => {
  if (!rows.has(input)) { unmeasured(`${input}: xent whole process <= ${limit}x DuckDB's`); return; }
  const r = med(input, 'xent whole process') / med(input, 'DuckDB whole process');
  goal(`${input}: xent whole process <= ${limit}x DuckDB's`, r.toFixed(2) + 'x', r <= limit);
};
ratioGoal('1.6M x 1000 (6.1 GB)', 0.8);
ratioGoal('200k x 1000 (770 MB)', 1.5);
for (const [input, limit] of [['digits JSON', 3.0], ['digits Parquet', 2.5]]) {
  if (!rows.has(input)) { unmeasured(`${input}: xent whole process <= ${limit} s after the first run`); continue; }
  const s = med(input, 'xent whole process');
  goal(`${input}: xent whole process <= ${limit} s after the first run`, s.toFixed(2) + ' s', s <= limit);
}
if (!inputs.some((i) => i.startsWith('C10:'))) unmeasured('C=10: xent\'s time <= 1.3x the row floor\'s');
for (const input of inputs.filter((i) => i.startsWith('C10:'))) {
  const r = med(input, 'xent in-job') / med(input, 'Spark row floor');
  goal(`${input}: xent's time <= 1.3x the row floor's`, r.toFixed(2) + 'x', r <= 1.3);
}
for (const input of ['200k x 1000 (770 MB)', '1.6M x 1000 (6.1 GB)']) {
  if (!rows.has(input)) { unmeasured(`${input}: xent's peak resident size <= 1024 MB (default settings)`); continue; }
  const mb = peakKb(input, 'xent whole process') / 1024;
  goal(`${input}: xent's peak resident size <= 1024 MB (default settings)`, mb.toFixed(0) + ' MB', mb <= 1024);
}
