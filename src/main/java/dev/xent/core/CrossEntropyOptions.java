package dev.xent.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The options of one evaluation, immutable and validated when built: PyTorch's {@code weight},
 * {@code ignore_index}, {@code label_smoothing} and {@code reduction}, plus what the input rows hold and, when known,
 * the number of classes C.
 *
 * <p>Validation follows PyTorch, with one deliberate deviation: a negative or NaN label smoothing, which PyTorch
 * silently treats as 0, is rejected here. A label smoothing above 1 (including {@code +inf}) is rejected as in
 * PyTorch. Weight values are not checked (PyTorch accepts zero, negative, NaN and infinite weights; see the
 * semantics notes in the README for what they do). A weight array must have one entry per class: that is checked
 * here when {@link #classes()} is known and otherwise when the kernel learns C.
 */
public final class CrossEntropyOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** PyTorch's default {@code ignore_index}. */
    public static final long DEFAULT_IGNORE_INDEX = -100L;

    private final double[] weight;
    private final long ignoreIndex;
    private final double labelSmoothing;
    private final Reduction reduction;
    private final InputKind inputKind;
    private final int classes;

    private CrossEntropyOptions(Builder b) {
        this.weight = b.weight == null ? null : b.weight.clone();
        this.ignoreIndex = b.ignoreIndex;
        this.labelSmoothing = b.labelSmoothing;
        this.reduction = Objects.requireNonNull(b.reduction, "reduction");
        this.inputKind = Objects.requireNonNull(b.inputKind, "inputKind");
        this.classes = b.classes;
        validate();
    }

    private void validate() {
        if (Double.isNaN(labelSmoothing)) {
            throw new IllegalArgumentException(
                    "label_smoothing must be between 0.0 and 1.0. Got: NaN (PyTorch would silently use 0)");
        }
        if (labelSmoothing < 0.0) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing
                    + " (PyTorch would silently use 0)");
        }
        if (labelSmoothing > 1.0) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        if (weight != null && weight.length == 0) {
            throw new IllegalArgumentException("weight must have one entry per class, got an empty weight");
        }
        if (weight != null && classes > 0 && weight.length != classes) {
            throw weightMismatch(weight.length, classes);
        }
    }

    static IllegalArgumentException weightMismatch(int weightLength, int classes) {
        return new IllegalArgumentException("weight should be defined either for all " + classes
                + " classes or no classes but got a weight of length " + weightLength);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** PyTorch's defaults: no weight, ignore_index -100, no smoothing, reduction mean, logits. */
    public static CrossEntropyOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.weight = weight;
        b.ignoreIndex = ignoreIndex;
        b.labelSmoothing = labelSmoothing;
        b.reduction = reduction;
        b.inputKind = inputKind;
        b.classes = classes;
        return b;
    }

    /** The class weights, a copy; null when every class weighs 1. */
    public double[] weight() {
        return weight == null ? null : weight.clone();
    }

    public boolean hasWeight() {
        return weight != null;
    }

    /** The weight of class {@code c}, 1 without weights. {@code c} must be a valid class. */
    public double weightOf(int c) {
        return weight == null ? 1.0 : weight[c];
    }

    public long ignoreIndex() {
        return ignoreIndex;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    public Reduction reduction() {
        return reduction;
    }

    public InputKind inputKind() {
        return inputKind;
    }

    /** The number of classes when given, else 0 (then it comes from the weight or the data). */
    public int classes() {
        return classes;
    }

    /** C as far as the options know it: {@link #classes()}, else the weight length, else 0. */
    public int knownClasses() {
        if (classes > 0) {
            return classes;
        }
        return weight == null ? 0 : weight.length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CrossEntropyOptions)) {
            return false;
        }
        CrossEntropyOptions other = (CrossEntropyOptions) o;
        return Arrays.equals(weight, other.weight)
                && ignoreIndex == other.ignoreIndex
                && Double.compare(labelSmoothing, other.labelSmoothing) == 0
                && reduction == other.reduction
                && inputKind == other.inputKind
                && classes == other.classes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(weight), ignoreIndex, labelSmoothing, reduction, inputKind, classes);
    }

    @Override
    public String toString() {
        return "CrossEntropyOptions{weight=" + Arrays.toString(weight) + ", ignoreIndex=" + ignoreIndex
                + ", labelSmoothing=" + labelSmoothing + ", reduction=" + reduction.torchName()
                + ", inputKind=" + inputKind + ", classes=" + classes + "}";
    }

    /** Collects options; {@link #build()} validates them. */
    public static final class Builder {
        private double[] weight;
        private long ignoreIndex = DEFAULT_IGNORE_INDEX;
        private double labelSmoothing;
        private Reduction reduction = Reduction.MEAN;
        private InputKind inputKind = InputKind.LOGITS;
        private int classes;

        private Builder() {
        }

        /** Class weights, one per class, or null for none. Copied. */
        public Builder weight(double... weight) {
            this.weight = weight == null ? null : weight.clone();
            return this;
        }

        public Builder ignoreIndex(long ignoreIndex) {
            this.ignoreIndex = ignoreIndex;
            return this;
        }

        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        public Builder reduction(Reduction reduction) {
            this.reduction = reduction;
            return this;
        }

        public Builder inputKind(InputKind inputKind) {
            this.inputKind = inputKind;
            return this;
        }

        /** The number of classes C, or 0 to take it from the weight or the data. */
        public Builder classes(int classes) {
            this.classes = classes;
            return this;
        }

        public CrossEntropyOptions build() {
            return new CrossEntropyOptions(this);
        }
    }
}
