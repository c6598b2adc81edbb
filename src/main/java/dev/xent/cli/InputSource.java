package dev.xent.cli;

import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Option;

/**
 * Where the rows come from beyond {@code --input PATH}: a catalog table ({@code --table}), a filter applied before
 * the scan ({@code --where}, which prunes the partitions of a partitioned folder or table), a Delta table's version
 * or timestamp ({@code --version}, {@code --timestamp}), and for local runs a Hive metastore kept in a folder
 * ({@code --metastore}). On a cluster, {@code --table} uses the cluster's catalog.
 */
final class InputSource {
    static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

    @Option(names = "--table", paramLabel = "NAME", description = "Read a catalog table (spark.table) instead of "
            + "--input, e.g. db.outputs.")
    String table;

    @Option(names = "--where", paramLabel = "PREDICATE", description = "Spark SQL predicate applied before the scan, "
            + "e.g. \"day = '2026-11-30'\"; on a partitioned folder or table it prunes the partitions read.")
    String where;

    @Option(names = "--version", paramLabel = "N", description = "Delta time travel: read the table as of version N "
            + "(--format delta, or a Delta --table).")
    Long version;

    @Option(names = "--timestamp", paramLabel = "T", description = "Delta time travel: read the table as of "
            + "timestamp T, e.g. 2026-11-30 or '2026-11-30 12:00:00'.")
    String timestamp;

    @Option(names = "--metastore", paramLabel = "DIR", description = "Local runs: keep a Hive metastore (embedded "
            + "Derby) and its warehouse in DIR, so --table finds tables saved there by earlier runs (default: "
            + "Spark's in-memory catalog).")
    String metastore;

    /** What the last read found by sampling its JSON file on the driver; null when it did not. */
    private JsonSchemaSample.Sample sample;

    /** Checks the combination before Spark starts: exactly one of --input and --table; one time-travel option. */
    void check(String input, String format) {
        if (table != null && input != null) {
            throw new UsageException("--table and --input: give one of them, not both");
        }
        if (table == null && (input == null || input.isBlank())) {
            throw new UsageException("--input: required; give the file or folder to evaluate (or --table NAME)");
        }
        if (table != null && format != null) {
            throw new UsageException("--format: a --table has the catalog's format; leave --format out");
        }
        if (version != null && timestamp != null) {
            throw new UsageException("--version and --timestamp: give one of them, not both");
        }
        if (version != null && version < 0) {
            throw new UsageException("--version: expected 0 or more but got " + version);
        }
        if ((version != null || timestamp != null) && table == null
                && (format == null || !format.trim().equalsIgnoreCase("delta"))) {
            throw new UsageException((version != null ? "--version" : "--timestamp") + ": time travel reads a Delta "
                    + "table: give --format delta (or a Delta --table)");
        }
        if (where != null && where.isBlank()) {
            throw new UsageException("--where: give a predicate, e.g. \"day = '2026-11-30'\"");
        }
    }

    /**
     * Spark settings this source needs at session start, before the user's {@code --conf}: a Hive metastore in
     * {@code --metastore DIR}, and for local runs that read a table or {@code --format delta} with Delta Lake on the
     * classpath, Delta's extension and catalog (which hands other tables to Spark's own).
     */
    Map<String, String> sessionSettings(boolean local, String format) {
        Map<String, String> s = new LinkedHashMap<>();
        if (metastore != null) {
            String dir = Paths.get(metastore).toAbsolutePath().normalize().toString();
            s.put("spark.sql.catalogImplementation", "hive");
            s.put("spark.sql.warehouse.dir", Paths.get(dir, "warehouse").toUri().toString());
            s.put("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + dir
                    + "/metastore_db;create=true");
        }
        boolean delta = format != null && format.trim().equalsIgnoreCase("delta");
        if (local && (table != null || delta) && deltaPresent()) {
            s.put("spark.sql.extensions", DELTA_EXTENSION);
            s.put("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
        }
        return s;
    }

    static boolean deltaPresent() {
        try {
            Class.forName(DELTA_EXTENSION, false, InputSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The rows: the table or the files, at the version asked, filtered by {@code --where}. */
    Dataset<Row> read(SparkSession spark, InputFormat format, String input) {
        Dataset<Row> df = table != null ? readTable(spark) : readPath(spark, format, input);
        if (where == null) {
            return df;
        }
        try {
            return df.where(where);
        } catch (Exception e) { // AnalysisException and ParseException are checked, thrown undeclared
            throw new UsageException("--where: cannot apply \"" + where + "\": "
                    + InputOptions.readFailure(e));
        }
    }

    private Dataset<Row> readTable(SparkSession spark) {
        try {
            if (version == null && timestamp == null) {
                return spark.table(table);
            }
            return spark.sql("SELECT * FROM " + table + (version != null ? " VERSION AS OF " + version
                    : " TIMESTAMP AS OF '" + timestamp.replace("'", "\\'") + "'"));
        } catch (Exception e) { // AnalysisException is checked, thrown undeclared
            throw new UsageException(travel() + "--table: cannot read " + table + ": "
                    + InputOptions.readFailure(e));
        }
    }

    private Dataset<Row> readPath(SparkSession spark, InputFormat format, String input) {
        try {
            DataFrameReader r = format.reader(spark);
            sample = format == InputFormat.JSON
                    ? JsonSchemaSample.sample(spark.sparkContext().hadoopConfiguration(), input) : null;
            if (sample != null) { // the file read once; FAILFAST: a value the schema does not fit fails the run
                r = r.schema(sample.schema()).option("mode", "FAILFAST");
            }
            if (version != null) {
                r = r.option("versionAsOf", version);
            }
            if (timestamp != null) {
                r = r.option("timestampAsOf", timestamp);
            }
            return r.load(input);
        } catch (Exception e) { // Spark's AnalysisException and SparkException are checked, thrown undeclared
            String why = InputOptions.readFailure(e);
            if (format == InputFormat.DELTA && !deltaPresent()) {
                why = "Delta Lake is not on Spark's classpath (add it, e.g. spark-submit --packages "
                        + "io.delta:delta-spark_2.13:VERSION; see the README)";
            }
            throw new UsageException(travel() + "--input: cannot read " + input + " as " + format.sparkName() + ": "
                    + why);
        }
    }

    /**
     * Per array column (exact name), the length of the first row that has logits, as {@code EvaluationSpec}'s
     * first-row job would find it, when known without a job: the last read was a JSON file sampled on the driver
     * ({@link JsonSchemaSample}) and no {@code --where} filters it. Empty otherwise.
     */
    Map<String, Integer> firstRowLengths() {
        return sample != null && where == null && table == null ? sample.firstLengths() : Map.of();
    }

    /**
     * For Parquet files read whole (no {@code --table}, {@code --where} or time travel), each list column's length
     * guessed from the files' footers on the driver ({@link ParquetFooterLengths}); a guess, which the caller checks.
     * Empty otherwise.
     */
    Map<String, Integer> footerLengths(Configuration hadoop, InputFormat format, String input) {
        return format == InputFormat.PARQUET && table == null && where == null && version == null
                && timestamp == null ? ParquetFooterLengths.guess(hadoop, input) : Map.of();
    }

    /** "--version 3: " or "--timestamp T: " when time travelling, so a failed read names it first. */
    private String travel() {
        return version != null ? "--version " + version + ": " : timestamp != null ? "--timestamp " + timestamp + ": "
                : "";
    }

    /** The summary's {@code input} block: the path or table, the format, and the filter and version when given. */
    Map<String, Object> info(String input, InputFormat format) {
        Map<String, Object> info = new LinkedHashMap<>();
        if (table != null) {
            info.put("table", table);
            info.put("path", table);
            info.put("format", "table");
        } else {
            info.put("path", input);
            info.put("format", format.sparkName());
        }
        if (where != null) {
            info.put("where", where);
        }
        if (version != null) {
            info.put("version", version);
        }
        if (timestamp != null) {
            info.put("timestamp", timestamp);
        }
        return info;
    }
}
