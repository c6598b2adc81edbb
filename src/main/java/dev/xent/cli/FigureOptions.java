package dev.xent.cli;

import dev.xent.core.LossState;
import dev.xent.spark.ExtraFigures;
import dev.xent.spark.InputColumns;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say what to gather besides the loss: groups, metrics, per-class figures and the report. */
public final class FigureOptions {
    @Option(names = "--group-by", paramLabel = "COL", split = ",", description = "Columns whose groups get their "
            + "own mean and sum (default: none).")
    List<String> groupBy;

    @Option(names = "--metrics", defaultValue = "false", description = "Also gather accuracy, top-k accuracy, mean "
            + "entropy and expected calibration error (15 bins) in the same scan (default: ${DEFAULT-VALUE}).")
    boolean metrics;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "5", description = "k of the top-k accuracy "
            + "(default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--per-class", defaultValue = "false", description = "Also gather each target class's rows, loss "
            + "sum and mean (default: ${DEFAULT-VALUE}).")
    boolean perClass;

    @Option(names = "--report", defaultValue = "false", description = "Also write DIR/report.html: one self-contained "
            + "page with the summary, loss histogram and quantiles, best and worst classes, groups and a reliability "
            + "diagram (turns on --metrics and --per-class for class-index rows) (default: ${DEFAULT-VALUE}).")
    boolean report;

    /** {@code --group-by}, blanks dropped; empty for no groups. */
    List<String> groupBy() {
        return InputOptions.list(groupBy);
    }

    /** Whether to write DIR/report.html. */
    boolean report() {
        return report;
    }

    /** The figures asked for; a report adds what it shows, where the rows allow it. */
    ExtraFigures figures(InputColumns columns) {
        if (topK < 1) {
            throw new UsageException("--top-k: expected at least 1 but got " + topK);
        }
        boolean classIndexRows = !columns.isSequence() && columns.targets() == LossState.Targets.CLASS_INDEX;
        boolean forReport = report && classIndexRows;
        return new ExtraFigures(metrics || forReport, topK, perClass || forReport, report && !columns.isSequence());
    }
}
