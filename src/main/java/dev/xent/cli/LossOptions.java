package dev.xent.cli;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.OptionsReader;
import dev.xent.core.Reduction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that shape the loss of every row, PyTorch's {@code CrossEntropyLoss} arguments: class weights, the
 * ignored target, label smoothing, what the logits column holds, the number of classes and the reduction. A picocli
 * mixin; {@link #options()} reads them as text through the core's {@link OptionsReader} (the reader of the SQL
 * settings and the ML params: the same values, the same checks) and names the CLI option at fault.
 */
public final class LossOptions {
    @Option(names = "--weight", paramLabel = "W", split = ",", description = "Class weights w0,w1,... (default: "
            + "none, every class weighs 1).")
    List<String> weight;

    @Option(names = "--ignore-index", paramLabel = "N", defaultValue = "-100", description = "Target value whose "
            + "rows are ignored (default: ${DEFAULT-VALUE}).")
    String ignoreIndex;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0.0", description = "Label smoothing "
            + "in [0, 1] (default: ${DEFAULT-VALUE}).")
    String labelSmoothing;

    @Option(names = "--log-probs", defaultValue = "false", description = "The logits column holds "
            + "log-probabilities: NLLLoss; the same as --input-kind log-probs (default: ${DEFAULT-VALUE}).")
    boolean logProbs;

    @Option(names = "--input-kind", paramLabel = "KIND", description = "What the logits column holds: logits, "
            + "log-probs (NLLLoss), probabilities (NLLLoss of their log) or target-log-probs (each token's target "
            + "log-probability only: an array per sequence, or one number per row) (default: logits).")
    String inputKind;

    @Option(names = "--classes", paramLabel = "C", description = "Number of classes (default: the --weight length, "
            + "else the first row's length).")
    String classes;

    @Option(names = "--reduction", paramLabel = "R", defaultValue = "mean", description = "mean, sum or none; none "
            + "also writes every row's loss to DIR/rows (default: ${DEFAULT-VALUE}).")
    String reduction;

    /** The options, checked together; a usage error names the option at fault and what was expected. */
    CrossEntropyOptions options() {
        Map<String, String> settings = new LinkedHashMap<>(); // OptionsReader's keys, written as the CLI's options
        settings.put("--weight", weight == null ? null : String.join(",", weight)); // given twice: both lists
        settings.put("--ignore-index", ignoreIndex);
        settings.put("--label-smoothing", labelSmoothing);
        settings.put("--input-kind", inputKind != null ? inputKind : logProbs ? "log-probs" : null);
        settings.put("--classes", classes);
        CrossEntropyOptions.Builder defaults = CrossEntropyOptions.builder();
        try {
            defaults.reduction(Reduction.parse(reduction));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        CrossEntropyOptions options;
        try {
            options = OptionsReader.read(defaults.build(), settings);
        } catch (OptionsReader.BadOption e) {
            throw new UsageException((e.key() != null ? e.key() : String.join(", ", settings.keySet())) + ": "
                    + e.problem());
        }
        if (logProbs && options.inputKind() != InputKind.LOG_PROBABILITIES) {
            throw new UsageException("--log-probs says log-probabilities but --input-kind says '" + inputKind + "'");
        }
        return options;
    }
}
