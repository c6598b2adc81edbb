package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.CrossEntropyOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * After a job failed on an invalid row, finds the first such row again and names it: by its id columns when given;
 * else, for a file input, by its file and its 0-based position in that file; else by its other column values.
 * This second look runs only on failure, so the main scan carries no row identity.
 */
final class InvalidRowLocator {
    private static final int MAX_COLUMNS_SHOWN = 4;

    private final Dataset<Row> input;
    private final String logitsName;
    private final Column problem;
    private final List<String> idColumns;
    private final Function<String, Dataset<Row>> singleFileReader;

    InvalidRowLocator(Dataset<Row> input, InputColumns columns, CrossEntropyOptions options, int classes,
            List<String> idColumns, Function<String, Dataset<Row>> singleFileReader) {
        this(input, columns.logitsName(), problemColumn(columns, options, classes), idColumns, singleFileReader);
    }

    /** A locator for rows whose problem (a reason, or null for a valid row) is the column {@code problem}. */
    InvalidRowLocator(Dataset<Row> input, String logitsName, Column problem, List<String> idColumns,
            Function<String, Dataset<Row>> singleFileReader) {
        this.input = input;
        this.logitsName = logitsName;
        this.problem = problem;
        this.idColumns = idColumns;
        this.singleFileReader = singleFileReader;
    }

    private static Column problemColumn(InputColumns columns, CrossEntropyOptions options, int classes) {
        return functions.udf(new RowProblemFunction(options, classes, false, columns.encoding()), DataTypes.StringType)
                .apply(columns.logitsArray(), columns.target());
    }

    /** {@code "<identity>: <reason>"} for the first invalid row, or null when none is found. */
    String describeFirstInvalidRow() {
        if (!idColumns.isEmpty()) {
            return firstNamedBy(idColumns);
        }
        if (input.inputFiles().length > 0 && singleFileReader != null) {
            Row bad = first(input.select(functions.input_file_name(), problem.as("__xent_problem")));
            if (bad != null) {
                String file = bad.getString(0);
                long position = positionInFile(file);
                String where = position >= 0 ? "row " + position + " of " + file : "a row of " + file;
                return where + ": " + bad.getString(1);
            }
            return null;
        }
        List<String> shown = new ArrayList<>();
        for (StructField f : input.schema().fields()) {
            if (!f.name().equals(logitsName) && shown.size() < MAX_COLUMNS_SHOWN) {
                shown.add(f.name());
            }
        }
        return firstNamedBy(shown);
    }

    /** The first invalid row named by the values of {@code names}: {@code "row {a=1, b=x}: <reason>"}, or null. */
    private String firstNamedBy(List<String> names) {
        List<Column> select = new ArrayList<>();
        for (String name : names) {
            select.add(col(InputColumns.quote(name)));
        }
        select.add(problem.as("__xent_problem"));
        Row row = first(input.select(select.toArray(new Column[0])));
        return row == null ? null : "row " + values(row, names) + ": " + row.getString(names.size());
    }

    private Row first(Dataset<Row> withProblem) {
        List<Row> rows = withProblem.where(col("__xent_problem").isNotNull()).limit(1).collectAsList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The 0-based position of the first invalid row in {@code file}, reading it alone, in order; -1 if unknown. */
    private long positionInFile(String file) {
        Dataset<Row> alone = singleFileReader.apply(file);
        Dataset<Row> problems = alone.coalesce(1).select(problem.as("p"));
        List<Tuple2<Row, Long>> hit = problems.javaRDD().zipWithIndex()
                .filter(t -> t._1().get(0) != null)
                .take(1);
        return hit.isEmpty() ? -1 : hit.get(0)._2();
    }

    private static String values(Row row, List<String> names) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(names.get(i)).append('=').append(row.get(i));
        }
        return b.append('}').toString();
    }
}
