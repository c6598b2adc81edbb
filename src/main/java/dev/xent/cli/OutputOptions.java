package dev.xent.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where a command writes: the output folder, the format of its row files, and whether it may replace its own. */
public final class OutputOptions {
    @Option(names = "--output", paramLabel = "DIR", description = "Output folder for summary.json (and rows/); "
            + "written atomically (default: none, print only).")
    String output;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "parquet", description = "parquet or "
            + "json, for DIR/rows (default: ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--state", defaultValue = "false", description = "Also write DIR/" + StateFile.NAME + ": the "
            + "exact state of every figure, overall and per group, for 'xent merge' (default: ${DEFAULT-VALUE}).")
    boolean state;

    @Option(names = "--overwrite", defaultValue = "false", description = "Replace a non-empty output folder "
            + "(default: ${DEFAULT-VALUE}).")
    boolean overwrite;

    /** {@code --output}, or null to print only. */
    String path() {
        return output;
    }

    /** Fails with a usage error naming {@code what} when there is no output folder to write it to. */
    void require(String what) {
        if (output == null) {
            throw new UsageException(what + ": give --output DIR");
        }
    }

    /** {@code --state}: write DIR/state.xent; a usage error without an output folder. */
    boolean state() {
        if (state) {
            require("--state writes DIR/" + StateFile.NAME);
        }
        return state;
    }

    /** {@code --output-format}, checked: parquet or json. */
    String rowsFormat() {
        String f = outputFormat.toLowerCase(Locale.ROOT);
        if (!f.equals("parquet") && !f.equals("json")) {
            throw new UsageException("--output-format: expected parquet or json but got '" + outputFormat + "'");
        }
        return f;
    }

    /**
     * Claims the output folder (see {@link OutputFolder#claim}): refused when it overlaps {@code input} or holds what
     * xent did not write; null when there is no {@code --output}.
     */
    OutputFolder claim(String input, Map<String, String> sparkConf) {
        return output == null ? null
                : OutputFolder.claim(output, input, overwrite, OutputFolder.hadoop(sparkConf));
    }
}
