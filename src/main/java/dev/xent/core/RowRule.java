package dev.xent.core;

/**
 * The row rule every path follows (the evaluation scan, per-row losses, the SQL functions, the evaluator,
 * quarantine), in the order it is applied; {@code docs/semantics.md} states it for users.
 * <ol>
 *   <li>C is the options' class count, else the weight's length, else the length of the first row that has logits
 *       ({@link #classes}, {@link #learnedClasses}); parts of one scan that learned different C refuse to merge
 *       ({@link #checkSameClasses}).</li>
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

    /**
     * The error of a row whose target is null — a class index or a probability array alike: one reason, because a
     * path that sees only a null (a SQL function's argument) cannot tell which kind it stood for.
     */
    public static InvalidRowException nullTarget() {
        return new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "target is null");
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
        return Math.max(1, learnedClasses(options, () -> firstRowLength));
    }

    /**
     * C as learned, 0 when nothing tells it: the options' class count or weight length when known (then
     * {@code firstRowLength} is not asked, so a scan for the first row is skipped), else the length of the first
     * row that has logits (0 when none has).
     */
    public static int learnedClasses(CrossEntropyOptions options, java.util.function.IntSupplier firstRowLength) {
        int known = options.knownClasses();
        return known > 0 ? known : Math.max(0, firstRowLength.getAsInt());
    }

    /**
     * C for a kernel made before any row is read: {@code given} (C learned by the caller) when positive, else as
     * {@link #classes} for a first row of {@code rowLength} values.
     */
    public static int classes(int given, CrossEntropyOptions options, int rowLength) {
        return given > 0 ? given : classes(options, rowLength);
    }

    /** The length of the first of {@code rows} (a batch, or a sequence's tokens); 0 when there is none or it is null. */
    public static int firstLength(double[][] rows) {
        return rows != null && rows.length > 0 && rows[0] != null ? rows[0].length : 0;
    }

    /**
     * The check when two parts of one scan, each with the C its first row told, are merged.
     *
     * @throws InvalidRowException ({@link InvalidRowException.Reason#RAGGED_LOGITS}) when they differ
     */
    public static void checkSameClasses(int classes, int otherClasses) {
        if (otherClasses != classes) {
            throw new InvalidRowException(InvalidRowException.Reason.RAGGED_LOGITS, "logits have " + otherClasses
                    + " values in some rows and " + classes + " in others; every row must have C values");
        }
    }
}
