package dev.xent.cli;

import java.util.Locale;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;

/** The input file formats, their reader options, and the default taken from a path's extension. */
enum InputFormat {
    PARQUET,
    JSON,
    CSV,
    ORC,
    /** A Delta Lake table by path (its data files are Parquet); needs Delta Lake on Spark's classpath. */
    DELTA;

    /** The format named by {@code --format}, or else by the path's extension, else Parquet. */
    static InputFormat of(String option, String path) {
        if (option != null) {
            for (InputFormat f : values()) {
                if (f.name().equalsIgnoreCase(option.trim())) {
                    return f;
                }
            }
            throw new UsageException("--format: expected one of parquet, json, csv, orc, delta but got '" + option + "'");
        }
        String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return JSON;
        }
        if (p.endsWith(".csv")) {
            return CSV;
        }
        if (p.endsWith(".orc")) {
            return ORC;
        }
        return PARQUET;
    }

    /** The format of one data file: a Delta table's files are Parquet. */
    InputFormat fileFormat() {
        return this == DELTA ? PARQUET : this;
    }

    String sparkName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A reader for this format: CSV with a header row and inferred types; JSON accepting NaN and Infinity. */
    DataFrameReader reader(SparkSession spark) {
        DataFrameReader r = spark.read().format(sparkName());
        if (this == CSV) {
            r = r.option("header", "true").option("inferSchema", "true");
        }
        if (this == JSON) {
            r = r.option("allowNonNumericNumbers", "true");
        }
        return r;
    }
}
