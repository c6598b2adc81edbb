package dev.xent.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A JVM of its own (its session has settings the shared test session cannot take: a Hive metastore, Delta's
 * catalog) for {@code CatalogTablesIT}. The session gets exactly the settings {@code evaluate --metastore DIR} gives
 * ({@link InputSource#sessionSettings}). Arguments: WORK-DIR and {@code hive} or {@code delta}. Prints one line
 * {@code ok NAME} per check passed; a failed check ends the JVM with exit code 1 and the difference on standard error.
 *
 * <p>hive: a table partitioned by day saved in the metastore, read with {@code --table} (all of it, and one day with
 * {@code --where}, whose plan prunes to that day's files), gives the numbers of its files read with {@code --input}.
 * delta: a Delta table written in two versions (an append), by path and by name, at version 0, 1 and the latest,
 * each the numbers of the same rows as Parquet; a missing version is refused (exit 2) naming it.
 */
public final class CatalogTablesMain {
    private CatalogTablesMain() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        boolean delta = args[1].equals("delta");
        InputSource settings = new InputSource();
        settings.metastore = work.resolve("metastore").toString();
        SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("xent catalog tables")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        settings.sessionSettings(true, delta ? "delta" : null).forEach(b::config);
        SparkSession spark = b.getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        String metastore = settings.metastore;
        if (delta) {
            delta(spark, work, metastore);
        } else {
            hive(spark, work, metastore);
        }
        spark.stop();
        System.exit(0);
    }

    private static void hive(SparkSession spark, Path work, String metastore) throws Exception {
        for (int d = 1; d <= 3; d++) {
            rows(spark, d, 100 + 10 * d).withColumn("day", org.apache.spark.sql.functions.lit("2026-11-0" + d))
                    .repartition(d).write().mode(d == 1 ? "overwrite" : "append").partitionBy("day")
                    .format("parquet").saveAsTable("outputs");
        }
        String location = spark.sql("DESCRIBE TABLE EXTENDED outputs").where("col_name = 'Location'")
                .collectAsList().get(0).getString(1);
        check("hive-table-is-hive", spark.sql("DESCRIBE TABLE EXTENDED outputs").where("col_name = 'Provider'")
                .collectAsList().get(0).getString(1).equalsIgnoreCase("parquet") && location.contains("warehouse"),
                location);
        same("hive-table", evaluate("--metastore", metastore, "--table", "outputs", "--group-by", "day"),
                evaluate("--input", location, "--group-by", "day"));
        same("hive-table-where", evaluate("--metastore", metastore, "--table", "outputs", "--where",
                "day = '2026-11-02'"), evaluate("--input", location + "/day=2026-11-02"));
        InputSource source = new InputSource();
        source.table = "outputs";
        source.where = "day = '2026-11-02'";
        Dataset<Row> df = source.read(spark, InputFormat.PARQUET, null);
        check("hive-table-where-rows", df.collectAsList().size() == 120, "rows " + df.count());
        SparkPlan plan = df.queryExecution().executedPlan();
        long files = (Long) plan.collectLeaves().head().metrics().get("numFiles").get().value();
        check("hive-table-where-prunes", plan.toString().contains("PartitionFilters: [isnotnull(day") && files == 2,
                files + " files read; plan " + plan);
    }

    private static void delta(SparkSession spark, Path work, String metastore) throws Exception {
        Dataset<Row> first = rows(spark, 1, 200);
        Dataset<Row> second = rows(spark, 2, 150);
        String table = work.resolve("delta").toString();
        first.write().format("delta").save(table);
        second.write().format("delta").mode("append").save(table);
        first.write().format("delta").saveAsTable("delta_outputs");
        second.write().format("delta").mode("append").saveAsTable("delta_outputs");
        String v0 = work.resolve("v0.parquet").toString();
        String v1 = work.resolve("v1.parquet").toString();
        first.write().parquet(v0);
        first.union(second).write().parquet(v1);
        String asParquet0 = evaluate("--input", v0);
        String asParquet1 = evaluate("--input", v1);
        check("parquet-rows", asParquet0.contains("\"rows\" : 200") && asParquet1.contains("\"rows\" : 350"),
                asParquet1);
        same("delta-path-version-0", asParquet0, evaluate("--input", table, "--format", "delta", "--version", "0"));
        same("delta-path-version-1", asParquet1, evaluate("--input", table, "--format", "delta", "--version", "1"));
        same("delta-path-latest", asParquet1, evaluate("--input", table, "--format", "delta"));
        same("delta-table-version-0", asParquet0, evaluate("--metastore", metastore, "--table", "delta_outputs",
                "--version", "0"));
        same("delta-table-latest", asParquet1, evaluate("--metastore", metastore, "--table", "delta_outputs"));
        String[] missing = run("evaluate", "--input", table, "--format", "delta", "--version", "7");
        check("delta-missing-version", missing[0].equals("2") && missing[2].startsWith("xent: --version 7: ")
                && missing[2].strip().split("\n").length == 1, String.join("\n", missing));
        String[] missingTable = run("evaluate", "--metastore", metastore, "--table", "delta_outputs", "--version",
                "9");
        check("delta-table-missing-version", missingTable[0].equals("2")
                && missingTable[2].startsWith("xent: --version 9: "), String.join("\n", missingTable));
    }

    static Dataset<Row> rows(SparkSession spark, int seed, int n) {
        Random r = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Double> logits = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                logits.add(r.nextGaussian() * 3);
            }
            rows.add(RowFactory.create(seed * 1000 + i, logits, i % 9 == 0 ? -100 : r.nextInt(4)));
        }
        return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType)).add("target", DataTypes.IntegerType));
    }

    /** An evaluation's summary from its options on (all but the block naming what was read). */
    private static String evaluate(String... args) {
        List<String> all = new ArrayList<>(List.of("evaluate", "--metrics"));
        all.addAll(List.of(args));
        String[] r = run(all.toArray(new String[0]));
        check("exit code of " + all, r[0].equals("0"), String.join("\n", r));
        return r[1].substring(r[1].indexOf("\"options\""));
    }

    /** {exit code, standard output, standard error} of an in-process run. */
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    private static void same(String name, String expected, String actual) {
        check(name, expected.equals(actual), "expected\n" + expected + "\nbut got\n" + actual);
    }

    private static void check(String name, boolean ok, String detail) {
        if (!ok) {
            System.err.println("FAILED " + name + ": " + detail);
            System.exit(1);
        }
        System.out.println("ok " + name);
    }
}
