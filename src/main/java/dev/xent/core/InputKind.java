package dev.xent.core;

import java.util.Locale;

/**
 * What the numbers in a row are. xent never guesses this from the values.
 *
 * <ul>
 *   <li>{@link #LOGITS}: raw scores; the row goes through a max-shifted log-softmax ({@code CrossEntropyLoss}).</li>
 *   <li>{@link #LOG_PROBABILITIES}: already log-probabilities, used as they are ({@code NLLLoss}: not checked, so
 *       {@code [3, -2, 7]} with target 2 gives {@code -7}).</li>
 *   <li>{@link #PROBABILITIES}: probabilities; their natural log is used ({@code NLLLoss(log(p))}); a zero
 *       probability at the target gives {@code +inf}.</li>
 *   <li>{@link #TARGET_LOG_PROBABILITIES}: only the log-probability the model gave each target token (what language
 *       model pipelines keep: {@code log_softmax(x).gather(y)}); each token's loss is {@code -w * logp}, the row
 *       rule is {@link TargetLogProbs}'s. There is no distribution, so label smoothing, probability targets and
 *       figures that need the distribution are refused.</li>
 * </ul>
 * With label smoothing or probability targets, the same formulas as {@code CrossEntropyLoss} apply with the
 * log-softmax replaced by the row itself (or its log).
 */
public enum InputKind {
    LOGITS,
    LOG_PROBABILITIES,
    PROBABILITIES,
    TARGET_LOG_PROBABILITIES;

    /**
     * Parses {@code logits}, {@code log-probs}/{@code logProbs}/{@code log_probabilities}, {@code probabilities},
     * {@code target-log-probs}/{@code targetLogProbs}/{@code target_log_probabilities}.
     */
    public static InputKind parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        switch (key) {
            case "logits":
                return LOGITS;
            case "logprobs":
            case "logprobabilities":
                return LOG_PROBABILITIES;
            case "probs":
            case "probabilities":
                return PROBABILITIES;
            case "targetlogprobs":
            case "targetlogprobabilities":
                return TARGET_LOG_PROBABILITIES;
            default:
                throw new IllegalArgumentException(
                        "input kind: expected one of logits, logProbs, probabilities, targetLogProbs but got '" + text + "'");
        }
    }
}
