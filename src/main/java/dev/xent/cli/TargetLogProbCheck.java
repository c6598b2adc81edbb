package dev.xent.cli;

import dev.xent.core.InputKind;

/**
 * The options {@code --input-kind target-log-probs} refuses before Spark starts, each with one line naming it: those
 * that need each token's whole distribution, which such rows do not hold (label smoothing, accuracy and the other
 * metrics, the per-class breakdown, a binary logits encoding); and the token columns given with any other kind.
 * Class weights and probability targets are decided against the schema ({@code spark.TargetLogProbColumns}).
 */
final class TargetLogProbCheck {
    private static final String ONLY_TARGET = "needs each token's whole distribution, but --input-kind "
            + "target-log-probs rows hold only the target's log-probability";

    private TargetLogProbCheck() {
    }

    static void check(InputKind kind, double labelSmoothing, boolean metrics, boolean perClass,
            String logitsEncoding, String maskColumn, String tokenWeightColumn) {
        if (kind != InputKind.TARGET_LOG_PROBABILITIES) {
            if (maskColumn != null) {
                throw new UsageException("--mask-col: applies to --input-kind target-log-probs");
            }
            if (tokenWeightColumn != null) {
                throw new UsageException("--token-weight-col: applies to --input-kind target-log-probs");
            }
            return;
        }
        if (labelSmoothing != 0.0) {
            throw new UsageException("--label-smoothing: " + ONLY_TARGET);
        }
        if (metrics) {
            throw new UsageException("--metrics: accuracy, top-k accuracy, entropy, calibration and Brier score "
                    + ONLY_TARGET);
        }
        if (perClass) {
            throw new UsageException("--per-class: " + ONLY_TARGET);
        }
        if (logitsEncoding != null) {
            throw new UsageException("--logits-encoding: applies to binary logits, but --input-kind "
                    + "target-log-probs reads float or double log-probabilities");
        }
    }
}
