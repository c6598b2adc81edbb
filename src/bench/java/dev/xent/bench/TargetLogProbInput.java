package dev.xent.bench;

import org.apache.spark.sql.SparkSession;

/**
 * Writes a generated target-log-probs input for the scale run of issue 21: {@code sequences} rows, each an
 * {@code array<float>} of {@code tokens} per-token log-probabilities in {@code [-10, 0]} (from a hash of the row
 * and position, so the same arguments give the same values), a byte count per row ({@code 4 * tokens}) and a split
 * column ({@code id % 2}), as Parquet in {@code out} (which must not exist).
 *
 * <p>Usage, from the repository root (builds the bench classes like {@code bin/xent-bench}):
 * <pre>
 * mvn -q -B -ntp -Pbench test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx2g -cp "target/bench/test-classes:target/bench/classes:$(cat target/bench/classpath.txt)" dev.xent.bench.TargetLogProbInput \
 *     /tmp/tlp-1e8 100000 1000
 * XENT_JAVA_OPTS=-Xmx2g bin/xent evaluate --input /tmp/tlp-1e8 --input-kind target-log-probs --logits-col logp \
 *     --bytes-col n_bytes --master 'local[2]'
 * </pre>
 */
public final class TargetLogProbInput {
    private TargetLogProbInput() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: TargetLogProbInput OUT SEQUENCES TOKENS_PER_SEQUENCE");
            System.exit(2);
        }
        String out = args[0];
        long sequences = Long.parseLong(args[1]);
        int tokens = Integer.parseInt(args[2]);
        SparkSession spark = SparkSession.builder().appName("target-log-probs input").master("local[2]")
                .config("spark.ui.enabled", "false").getOrCreate();
        int files = (int) Math.max(2, Math.min(64, sequences * tokens / 5_000_000));
        spark.range(0, sequences, 1, files)
                .selectExpr("id",
                        "transform(sequence(0, " + (tokens - 1) + "), i -> cast(-(pmod(xxhash64(id, i), 1000000) "
                                + "/ 100000.0) AS float)) AS logp",
                        "cast(" + 4L * tokens + " AS bigint) AS n_bytes",
                        "cast(id % 2 AS int) AS split")
                .write().parquet(out);
        spark.stop();
    }
}
