package dev.xent.cli;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.Reduction;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that shape the loss of every row, PyTorch's {@code CrossEntropyLoss} arguments: class weights, the
 * ignored target, label smoothing, what the logits column holds, the number of classes and the reduction. A picocli
 * mixin; {@link #options()} checks them together and names the option at fault.
 */
public final class LossOptions {
    @Option(names = "--weight", paramLabel = "W", split = ",", description = "Class weights w0,w1,... (default: "
            + "none, every class weighs 1).")
    List<Double> weight;

    @Option(names = "--ignore-index", paramLabel = "N", defaultValue = "-100", description = "Target value whose "
            + "rows are ignored (default: ${DEFAULT-VALUE}).")
    long ignoreIndex;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0.0", description = "Label smoothing "
            + "in [0, 1] (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--log-probs", defaultValue = "false", description = "The logits column holds "
            + "log-probabilities: NLLLoss; the same as --input-kind log-probs (default: ${DEFAULT-VALUE}).")
    boolean logProbs;

    @Option(names = "--input-kind", paramLabel = "KIND", description = "What the logits column holds: logits, "
            + "log-probs (NLLLoss), probabilities (NLLLoss of their log) or target-log-probs (each token's target "
            + "log-probability only: an array per sequence, or one number per row) (default: logits).")
    String inputKind;

    @Option(names = "--classes", paramLabel = "C", description = "Number of classes (default: the --weight length, "
            + "else the first row's length).")
    Integer classes;

    @Option(names = "--reduction", paramLabel = "R", defaultValue = "mean", description = "mean, sum or none; none "
            + "also writes every row's loss to DIR/rows (default: ${DEFAULT-VALUE}).")
    String reduction;

    /** The options, checked together; a usage error names the option at fault. */
    CrossEntropyOptions options() {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder()
                .ignoreIndex(ignoreIndex)
                .inputKind(inputKind());
        try {
            b.reduction(Reduction.parse(reduction));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        if (weight != null && !weight.isEmpty()) {
            b.weight(weight.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (classes != null) {
            if (classes < 1) {
                throw new UsageException("--classes: expected at least 1 but got " + classes);
            }
            b.classes(classes);
        }
        try {
            b.labelSmoothing(labelSmoothing);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--label-smoothing: " + e.getMessage());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().startsWith("label_smoothing") ? "--label-smoothing" : "--weight";
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /** {@code --input-kind}, or {@code --log-probs}, its synonym; both given must agree. */
    private InputKind inputKind() {
        if (inputKind == null) {
            return logProbs ? InputKind.LOG_PROBABILITIES : InputKind.LOGITS;
        }
        InputKind kind;
        try {
            kind = InputKind.parse(inputKind);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--input-kind: expected logits, log-probs, probabilities or target-log-probs "
                    + "but got '" + inputKind + "'");
        }
        if (logProbs && kind != InputKind.LOG_PROBABILITIES) {
            throw new UsageException("--log-probs says log-probabilities but --input-kind says '" + inputKind + "'");
        }
        return kind;
    }
}
