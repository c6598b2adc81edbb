package dev.xent.cli;

import dev.xent.core.LogitsEncoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The input options of a command that reads model outputs: where they are, in which format, and which columns hold
 * what. A picocli mixin: {@code evaluate} and the commands built like it share these names and messages.
 */
public final class InputOptions {
    @Option(names = "--input", paramLabel = "PATH", description = "Input file, folder or glob; any Hadoop path "
            + "(file:, hdfs:, s3a:). Required.")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT", description = "parquet, json, csv, orc or delta (a Delta "
            + "table by path) (default: from the file extension, else parquet).")
    String format;

    /** --table, --where, --version, --timestamp and --metastore. */
    @Mixin
    InputSource source = new InputSource();

    @Option(names = "--logits-col", paramLabel = "COL", defaultValue = "logits", description = "Logits column: "
            + "array<float>, array<double>, vector, or (CSV) a string of numbers (default: ${DEFAULT-VALUE}).")
    String logitsColumn;

    @Option(names = "--logits-encoding", paramLabel = "ENC", description = "For a binary logits column: fp16, bf16 "
            + "or fp32, packed little-endian as numpy/torch .tobytes() write them (default: none).")
    String logitsEncoding;

    @Option(names = "--target-col", paramLabel = "COL", defaultValue = "target", description = "Target column: "
            + "an integer class index or an array of probabilities (default: ${DEFAULT-VALUE}).")
    String targetColumn;

    @Option(names = "--bytes-col", paramLabel = "COL", description = "Language-model rows: a column with each "
            + "sequence's byte count, for bits per byte (default: none).")
    String bytesColumn;

    @Option(names = "--words-col", paramLabel = "COL", description = "Language-model rows: a column with each "
            + "sequence's word count, for bits per word (default: none).")
    String wordsColumn;

    @Option(names = "--mask-col", paramLabel = "COL", description = "--input-kind target-log-probs: a column of "
            + "booleans or 0/1, one per token, true for the tokens to score (default: none, every token).")
    String maskColumn;

    @Option(names = "--token-weight-col", paramLabel = "COL", description = "--input-kind target-log-probs: a "
            + "column of per-token weights; the mean divides by their sum over the scored tokens (default: none).")
    String tokenWeightColumn;

    @Option(names = "--id-cols", paramLabel = "COL", split = ",", description = "Columns that identify a row: named "
            + "in errors, and the only columns kept beside the loss in DIR/rows (default: every column but the "
            + "logits).")
    List<String> idColumns;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0", description = "Repartition the input into N"
            + " partitions first (default: 0, keep the input's).")
    int partitions;

    /** {@code --input}, or null with {@code --table}; a usage error when neither is given, or both. */
    String path() {
        source.check(input, format);
        return input;
    }

    /** {@code --format}, or the format the path's extension names (Parquet for a table: what it reads with). */
    InputFormat inputFormat() {
        return path() == null ? InputFormat.PARQUET : InputFormat.of(format, path());
    }

    /** Spark settings the input needs when the session starts (a Hive metastore, Delta's catalog). */
    Map<String, String> sessionSettings(boolean local) {
        return source.sessionSettings(local, format);
    }

    /** Reads one data file of the input alone (to name an invalid row by its place in its file); null for a table. */
    Function<String, Dataset<Row>> singleFileReader(SparkSession spark, StructType schema) {
        InputFormat f = inputFormat().fileFormat();
        return path() == null ? null : file -> f.reader(spark).schema(schema).load(file);
    }

    /** {@code --partitions}, checked. */
    int partitions() {
        if (partitions < 0) {
            throw new UsageException("--partitions: expected 0 or more but got " + partitions);
        }
        return partitions;
    }

    /** {@code --logits-encoding}, or null for a column of numbers. */
    LogitsEncoding encoding() {
        try {
            return logitsEncoding == null ? null : LogitsEncoding.parse(logitsEncoding);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--logits-encoding: expected fp16, bf16 or fp32 but got '" + logitsEncoding + "'");
        }
    }

    /** {@code --id-cols}, blanks dropped. */
    List<String> idColumns() {
        return list(idColumns);
    }

    /** Fails with a usage error unless the input path (or glob) matches at least one file or folder. */
    void checkExists(SparkSession spark) {
        String path = path();
        if (path == null) {
            return; // a table: the catalog says whether it exists
        }
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new UsageException("--input: no such file or folder: " + path);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--input: cannot read " + path + ": " + e.getMessage());
        }
    }

    /**
     * The input as a DataFrame (the table or the files, at the version asked, filtered by {@code --where}); a usage
     * error naming the path or table when Spark cannot read it.
     */
    Dataset<Row> read(SparkSession spark) {
        return source.read(spark, inputFormat(), path());
    }

    /** Per logits column, the first row's length when the last {@link #read} knows it without a job (else empty). */
    Map<String, Integer> firstRowLengths() {
        return source.firstRowLengths();
    }

    /**
     * Per list column of Parquet files read whole, its length guessed from the footers ({@link ParquetFooterLengths}:
     * a guess the caller must check); empty for other input.
     */
    Map<String, Integer> footerLengths(SparkSession spark) {
        return source.footerLengths(spark.sparkContext().hadoopConfiguration(), inputFormat(), path());
    }

    /** The summary's {@code input} block: the path or table, the format, and the filter and version when given. */
    Map<String, Object> inputInfo() {
        return source.info(path(), inputFormat());
    }

    /** The summary's {@code columns} block; {@code groupBy} comes from the figure options. */
    Map<String, Object> columnInfo(List<String> groupBy) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("logits_col", logitsColumn);
        info.put("target_col", targetColumn);
        if (maskColumn != null || tokenWeightColumn != null) {
            info.put("mask_col", maskColumn);
            info.put("token_weight_col", tokenWeightColumn);
        }
        info.put("logits_encoding", logitsEncoding == null ? null : encoding().name().toLowerCase(Locale.ROOT));
        info.put("group_by", groupBy);
        info.put("id_cols", idColumns());
        info.put("partitions", partitions);
        return info;
    }

    /** The values of a comma-separated list option, trimmed, blanks dropped; empty when the option is absent. */
    static List<String> list(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (!v.isBlank()) {
                    out.add(v.trim());
                }
            }
        }
        return out;
    }

    /**
     * True for a file name Spark's file listing skips, even when the file is named on its own: one starting with
     * {@code _} or {@code .}, or a copy under way ({@code *._COPYING_}).
     */
    static boolean skippedBySpark(String fileName) {
        return fileName.startsWith("_") || fileName.startsWith(".") || fileName.endsWith("._COPYING_");
    }

    /**
     * Why reading failed, in one line: the message's first line, or, when Spark wrapped the reason in a failed job
     * (Spark 4.0 and 4.1 infer a schema in a job, whose message names exception classes), the innermost cause's.
     */
    static String readFailure(Throwable e) {
        String line = firstLine(e);
        if (!line.contains("Job aborted")) {
            return line;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root);
    }

    /** The first line of a throwable's message, or its class's simple name when it has none. */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
