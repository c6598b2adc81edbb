package dev.xent.cli;

import dev.xent.core.LossState;
import dev.xent.report.ComparisonJson;
import dev.xent.report.ComparisonReport;
import dev.xent.report.HtmlReport;
import dev.xent.report.SummaryJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xent merge}: the summary (and report) of several evaluations' saved states ({@code evaluate --state}) as
 * one: the same numbers, bit for bit, as one {@code evaluate} over all their rows with the same options. No Spark
 * runs: merging exact states is exact.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {"Merges the exact states that 'xent evaluate --state' saved (each a state.xent file, or an",
            "output folder holding one) into one summary, as one evaluation over all their rows would give;",
            "states of 'xent compare --state' merge into one comparison.json the same way."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the states were merged; the outputs are written",
            "2:nothing was written: a missing or corrupt state, or states made with other options, another C, "
                + "other figures or other group columns, a different bootstrap, or states of both kinds (the "
                + "message names the difference)"})
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "STATE_OR_DIR", arity = "1..*", description = "state.xent files, or output folders "
            + "of 'xent evaluate --state' (any Hadoop path).")
    List<String> states;

    @Option(names = "--output", paramLabel = "DIR", description = "Output folder for summary.json (comparison.json for comparison states); "
            + "written atomically (default: none, print only).")
    String output;

    @Option(names = "--report", defaultValue = "false", description = "Also write DIR/report.html (the states must "
            + "come from 'evaluate --report') (default: ${DEFAULT-VALUE}).")
    boolean report;

    @Option(names = "--state", defaultValue = "false", description = "Also write the merged state to DIR/"
            + StateFile.NAME + ", to merge again later (default: ${DEFAULT-VALUE}).")
    boolean state;

    @Option(names = "--overwrite", defaultValue = "false", description = "Replace an earlier xent output folder "
            + "(default: ${DEFAULT-VALUE}).")
    boolean overwrite;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration hadoop = new Configuration();
        try {
            if ((report || state) && output == null) {
                throw new UsageException((report ? "--report" : "--state") + " writes to DIR: give --output DIR");
            }
            List<byte[]> files = new ArrayList<>();
            for (String s : states) {
                files.add(bytes(s, hadoop));
            }
            if (ComparisonStateFile.KIND.equals(oneKind(files))) {
                return mergeComparisons(files, hadoop, out, err);
            }
            List<StateFile> read = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                names.add(states.get(i));
                read.add(StateFile.read(files.get(i), states.get(i)));
            }
            StateFile merged = StateFile.merge(read, names);
            LossState total = merged.result.total();
            if (report && total.histogram() == null) {
                throw new UsageException("--report: the states hold no loss histogram; make them with "
                        + "'evaluate --report --state'");
            }
            String summary = SummaryJson.text(SummaryJson.of(merged.result, merged.options, merged.input,
                    merged.columns));
            if (output != null) {
                for (String s : states) {
                    OutputGuard.check(output, s, hadoop);
                }
                try (OutputFolder folder = OutputFolder.claim(output, states.get(0), overwrite, hadoop)) {
                    if (report) {
                        folder.writeText("report.html", HtmlReport.of(merged.result, merged.options, merged.input,
                                merged.columns));
                    }
                    if (state) {
                        folder.writeBytes(StateFile.NAME, merged.toBytes());
                    }
                    folder.writeText("summary.json", summary);
                    folder.commit();
                }
            }
            out.print(summary);
            out.flush();
            err.println("xent: merged " + states.size() + " states: " + total.rows() + " rows"
                    + (output != null ? "; wrote " + output : ""));
            return ExitCode.OK;
        } catch (UsageException e) {
            err.println("xent: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (RuntimeException e) {
            err.println("xent: merge failed, nothing written: " + InputOptions.firstLine(e));
            return ExitCode.JOB_FAILED;
        }
    }

    /** The states' one kind; a usage error naming the first state of another kind. */
    private String oneKind(List<byte[]> files) {
        String first = ComparisonStateFile.kind(files.get(0));
        for (int i = 1; i < files.size(); i++) {
            String kind = ComparisonStateFile.kind(files.get(i));
            if (ComparisonStateFile.KIND.equals(kind) != ComparisonStateFile.KIND.equals(first)) {
                throw new UsageException("merge: " + states.get(i) + " is " + describe(kind) + " but "
                        + states.get(0) + " is " + describe(first) + "; merge states of one kind");
            }
        }
        return first;
    }

    private static String describe(String kind) {
        return ComparisonStateFile.KIND.equals(kind) ? "a comparison state (compare --state)"
                : StateFile.KIND.equals(kind) ? "an evaluation state (evaluate --state)" : "not an xent state file";
    }

    /** comparison.json (and report.html, state.xent) of comparison states merged. */
    private int mergeComparisons(List<byte[]> files, Configuration hadoop, PrintWriter out, PrintWriter err) {
        List<ComparisonStateFile> read = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            read.add(ComparisonStateFile.read(files.get(i), states.get(i)));
        }
        ComparisonStateFile merged = ComparisonStateFile.merge(read, states);
        String text = SummaryJson.text(ComparisonJson.of(merged.result, merged.options, merged.inputs));
        if (output != null) {
            for (String s : states) {
                OutputGuard.check(output, s, hadoop);
            }
            try (OutputFolder folder = OutputFolder.claim(output, states.get(0), overwrite, hadoop)) {
                folder.writeText("comparison.json", text);
                if (report) {
                    folder.writeText("report.html", ComparisonReport.of(merged.result, merged.inputs));
                }
                if (state) {
                    folder.writeBytes(StateFile.NAME, merged.toBytes());
                }
                folder.commit();
            }
        }
        out.print(text);
        out.flush();
        err.println("xent: merged " + states.size() + " comparison states: " + merged.result.total().rows()
                + " rows compared" + (output != null ? "; wrote " + output : ""));
        return ExitCode.OK;
    }

    /** The bytes of a state file, or of DIR/state.xent for a folder. */
    private static byte[] bytes(String name, Configuration hadoop) {
        try {
            Path path = new Path(name);
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.exists(path)) {
                throw new UsageException(name + ": no such state file or folder");
            }
            if (fs.getFileStatus(path).isDirectory()) {
                path = new Path(path, StateFile.NAME);
                if (!fs.exists(path)) {
                    throw new UsageException(name + ": a folder without " + StateFile.NAME + " (was it evaluated "
                            + "with --state?)");
                }
            }
            try (InputStream in = fs.open(path)) {
                return in.readAllBytes();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(name + ": cannot read: " + e.getMessage());
        }
    }
}
