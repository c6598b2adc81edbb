package dev.xent.core;

/**
 * The row rule every path follows (the evaluation scan, per-row losses, the SQL functions, the evaluator,
 * quarantine), in the order it is applied; {@code docs/semantics.md} states it for users.
 * <ol>
 *   <li>C is the options' class count, else the weight's length, else the length of the first row that has logits
 *       ({@link #classes}).</li>
 *   <li>A null element among the logits or target probabilities makes the row invalid
 *       ({@link InvalidRowException.Reason#NULL_LOGITS}) — whatever its target, the ignore index included — unless
 *       the row also holds a NaN: its loss is then NaN whatever the null stands for, and the null reads as 0
 *       ({@link #nullsMakeInvalid}). The fast scans can tell "a null and no NaN" in one compiled pass; so this is
 *       the rule, and every path keeps it.</li>
 *   <li>Then the kernel's checks ({@link CrossEntropy}): null logits, a length other than C, a null target, a
 *       target outside {@code [0, C)} that is not the ignore index; a row whose target is the ignore index is
 *       ignored (even with NaN logits); every other row is scored, NaN and infinities as PyTorch gives them.</li>
 * </ol>
 * Rows of input kind {@link InputKind#TARGET_LOG_PROBABILITIES} hold no distribution; their rule is
 * {@link TargetLogProbs}'s.
 */
public final class RowRule {
    private RowRule() {
    }

    /** True when a row with these null elements is invalid: it holds a null element and no NaN. */
    public static boolean nullsMakeInvalid(boolean hasNullElement, boolean hasNaN) {
        return hasNullElement && !hasNaN;
    }

    /**
     * Checks the null elements of a row read with its nulls as 0.
     *
     * @param values    the row, each null read as 0
     * @param firstNull the position of its first null element, or -1
     * @param what      what the values are, for the message ({@code "logits"}, {@code "probabilities"})
     * @throws InvalidRowException when {@link #nullsMakeInvalid} says so, naming the position
     */
    public static void checkNulls(double[] values, int firstNull, String what) {
        if (firstNull < 0) {
            return;
        }
        boolean nan = false;
        for (double v : values) {
            nan |= Double.isNaN(v);
        }
        if (nullsMakeInvalid(true, nan)) {
            throw nullElement(what, firstNull);
        }
    }

    /** The error of a row whose null element makes it invalid. */
    public static InvalidRowException nullElement(String what, int position) {
        return new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS,
                what + " hold a null or non-numeric element at position " + position);
    }

    /**
     * C for an evaluation: the options' class count or weight length when known, else the length of the first row
     * that has logits, else 1 (no row has logits: any row there is, is invalid).
     */
    public static int classes(CrossEntropyOptions options, int firstRowLength) {
        int known = options.knownClasses();
        return known > 0 ? known : Math.max(1, firstRowLength);
    }
}
