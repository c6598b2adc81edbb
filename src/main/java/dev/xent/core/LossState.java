package dev.xent.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sufficient statistics of a cross-entropy evaluation, and (with {@link LossAndCounts}) the only place PyTorch's
 * division rule lives: the exact sum of the per-row losses, the exact sum of the normalizer (the target-class weight of each scored row, or
 * 1 per row for probability targets), and the row counts. {@link #add}, {@link #merge} and {@link #reduce} are
 * Spark's {@code reduce}, {@code merge} and {@code finish}; because both sums are exact, any order of adds and
 * merges gives the same bits.
 *
 * <p>With label smoothing (class-index targets) the state keeps the two terms of PyTorch's formula apart, the
 * target term {@code A = sum (1 - eps) * -(w_y * lsm_y)} and the smoothing term
 * {@code B = sum (eps / C) * -(sum_c w_c * lsm_c)}, and the mean is {@code A / W + B / W} as in PyTorch. So when
 * every scored target weighs 0 the mean is NaN ({@code 0 / 0} in the target term) although the sum is finite.
 *
 * <p>Reductions, as {@code torch.nn.CrossEntropyLoss} over all the rows as one batch:
 * <ul>
 *   <li>{@code sum}: the correctly rounded loss sum; {@code +0.0} for no scored rows. For probability targets an
 *       exactly zero sum is {@code -0.0}, because PyTorch negates the sum of products.</li>
 *   <li>{@code mean}: {@code sum / normalizer}, both correctly rounded, divided in IEEE double. So no scored rows,
 *       or a zero weight sum with a zero loss sum, give NaN; a zero weight sum (zero or cancelling weights) with a
 *       non-zero loss sum gives ±inf; a NaN or opposite infinities among the losses give NaN.</li>
 * </ul>
 * Rows counted: {@code scored} (contributed a loss), {@code ignored} (target equal to ignore_index: they add nothing
 * to either sum), {@code rejected} (invalid rows set aside by the caller), {@code nonFinite} (scored rows whose loss
 * is NaN or infinite, so a NaN mean never goes unexplained), {@code nonFiniteInputs} (rows whose logits hold a NaN or
 * an infinity, counted by the caller). {@code rows = scored + ignored + rejected}.
 *
 * <p>A state is a set of {@link Figure}s under one header (target kind, options, C): the loss and counts
 * ({@link LossAndCounts}, which holds the sums and counts above) and the standard error always, others when asked
 * for with {@link #withFigure}. Each scored row goes to every figure as one {@link ScoredRow}; adds, merges and the
 * byte form treat every figure alike. Two states merge only when they were made with the same options, the same C
 * (0: not known yet) and the same figures.
 *
 * <p>The byte form ({@link #toBytes()}, big-endian) lasts across versions: a header (magic {@code "XENT"}, format
 * version, target kind, smoothing flag, C, the options, the figure ids), then one section per figure
 * {@code [id, length, bytes]}, the loss and counts ({@link LossAndCounts}, a figure like the others) first. A reader
 * skips the sections of figures it does not know.
 */
public final class LossState implements Serializable {
    private static final long serialVersionUID = 1L;

    /** "XENT" in ASCII: the first four bytes of every state's byte form. */
    static final int MAGIC = 0x58454E54;
    /** The version of the sectioned byte form; a reader refuses a later one. */
    static final short FORMAT_VERSION = 1;

    /** Which kind of target the rows had; it decides the normalizer and the sign of a zero sum. */
    public enum Targets {
        CLASS_INDEX,
        PROBABILITIES
    }

    private final Targets targets;
    private final boolean smoothed;
    private final CrossEntropyOptions options;
    private int classes;

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    /** The loss and counts: one of {@link #figures}, kept at hand for the accessors. */
    private LossAndCounts loss;

    /**
     * An empty state made without options (they are written as unknown, and it merges only with such states), with
     * no figure.
     *
     * @param targets  the kind of target the rows will have
     * @param smoothed true for class-index targets with label smoothing: rows are then added with
     *                 {@link #add(double, double, double)}
     */
    public LossState(Targets targets, boolean smoothed) {
        this(targets, smoothed, null, 0);
    }

    private LossState(Targets targets, boolean smoothed, CrossEntropyOptions options, int classes) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must be given");
        }
        if (smoothed && targets != Targets.CLASS_INDEX) {
            throw new IllegalArgumentException("only class-index targets keep a separate smoothing term");
        }
        this.targets = targets;
        this.smoothed = smoothed;
        this.options = options;
        this.classes = classes;
        withFigure(new LossAndCounts());
    }

    /** An empty state for the given options and kind of target, with the standard error. */
    public static LossState of(CrossEntropyOptions options, Targets targets) {
        LossState s = bare(options, targets);
        s.withFigure(new StandardError());
        return s;
    }

    /** An empty state for the given options and kind of target, without any figure. */
    static LossState bare(CrossEntropyOptions options, Targets targets) {
        return new LossState(targets, targets == Targets.CLASS_INDEX && options.labelSmoothing() > 0.0, options,
                options.knownClasses());
    }

    /** An empty state with the same options, C and figures (each figure's zero, the loss and counts too). */
    public LossState zero() {
        LossState s = new LossState(targets, smoothed, options, classes);
        figures.values().forEach(f -> s.withFigure(f.zero()));
        return s;
    }

    /**
     * Adds a figure (replacing one of the same id); returns this.
     *
     * @throws IllegalArgumentException when the figure is not defined for this state's rows
     */
    public LossState withFigure(Figure figure) {
        if (!figure.appliesTo(targets, false) && !figure.appliesTo(targets, true)) {
            throw new IllegalArgumentException("figure '" + figure.id() + "' is not defined for "
                    + describe());
        }
        figures.put(figure.id(), figure);
        List<String> order = Figures.ids();
        List<Figure> sorted = new ArrayList<>(figures.values());
        sorted.sort(Comparator.comparingInt((Figure f) -> order.contains(f.id()) ? order.indexOf(f.id())
                : order.size()).thenComparing(Figure::id));
        figures.clear();
        sorted.forEach(f -> figures.put(f.id(), f));
        loss = (LossAndCounts) figures.get(LossAndCounts.ID);
        return this;
    }

    /**
     * The figures beside the loss and counts (which this state's own accessors report: {@link #values()}), in
     * registration order.
     */
    public Collection<Figure> figures() {
        List<Figure> beside = new ArrayList<>(figures.values());
        beside.remove(loss);
        return Collections.unmodifiableList(beside);
    }

    /** The figure of this id (the loss and counts too: {@code "loss"}), or null when not gathered. */
    public Figure figure(String id) {
        return figures.get(id);
    }

    /** The options the state was made with; defaults when it was made without. */
    public CrossEntropyOptions options() {
        return options == null ? CrossEntropyOptions.defaults() : options;
    }

    /** C, or 0 when no row told it yet. */
    public int classes() {
        return classes;
    }

    /** Records C (the kernel does, on each row it adds). */
    void classes(int c) {
        if (classes == 0) {
            classes = c;
        } else if (classes != c) {
            throw new IllegalArgumentException("this state has C = " + classes + " but a row was added with C = " + c);
        }
    }

    public Targets targets() {
        return targets;
    }

    /** True when the state keeps a separate smoothing term. */
    public boolean smoothed() {
        return smoothed;
    }

    /** Adds one scored row without a smoothing term: its loss (any double) and its share of the normalizer. */
    public void add(double loss, double normalizerShare) {
        if (smoothed) {
            throw new IllegalStateException("this state needs the target and smoothing terms apart");
        }
        add(ScoredRow.ofLoss(loss, normalizerShare), loss, 0.0);
    }

    /**
     * Adds one scored row with label smoothing: its target term {@code (1 - eps) * -(w_y * lsm_y)}, its smoothing
     * term {@code (eps / C) * -(sum_c w_c * lsm_c)} and its target weight.
     */
    public void add(double targetTerm, double smoothingTerm, double normalizerShare) {
        if (!smoothed) {
            throw new IllegalStateException("this state has no smoothing term");
        }
        add(ScoredRow.ofLoss(targetTerm + smoothingTerm, normalizerShare), targetTerm, smoothingTerm);
    }

    /**
     * Adds one scored row whose loss is {@code targetTerm + smoothingTerm} (the smoothing term 0 without label
     * smoothing), then gives it to every figure.
     */
    void add(ScoredRow row, double targetTerm, double smoothingTerm) {
        row.terms(targetTerm, smoothed ? smoothingTerm : 0.0);
        for (Figure f : figures.values()) {
            f.add(row);
        }
    }

    /** Gives a whole sequence (its tokens already added) to the figures that count sequences. */
    public void addSequence(LossState sequence, long bytes, long words) {
        ScoredRow row = ScoredRow.ofSequence(sequence, bytes, words);
        for (Figure f : figures.values()) {
            f.add(row);
        }
    }

    /** Counts a row whose target was the ignore index. */
    public void addIgnored() {
        loss.addIgnored();
    }

    /** The sequence-level statistics, or null when the rows were not sequences of tokens. */
    public SequenceStats sequenceStats() {
        return (SequenceStats) figures.get(SequenceStats.ID);
    }

    /** The loss histogram, or null when not gathered. */
    public LossHistogram histogram() {
        return (LossHistogram) figures.get(LossHistogram.ID);
    }

    /** The per-class breakdown, or null when not gathered. */
    public PerClassStats perClass() {
        return (PerClassStats) figures.get(PerClassStats.ID);
    }

    /** True when rows were sequences of tokens. */
    public boolean hasSequences() {
        return figures.containsKey(SequenceStats.ID);
    }

    /** Counts a row whose logits hold a NaN or an infinity (it is also added, ignored or rejected as usual). */
    public void addNonFiniteInput() {
        loss.addNonFiniteInput();
    }

    /** Counts a row that was set aside as invalid. */
    public void addRejected() {
        loss.addRejected();
    }

    /**
     * Adds everything in {@code other} (which keeps its value).
     *
     * @throws IllegalArgumentException naming the difference, when {@code other} was made with another kind of
     *                                  target, other options, another C or other figures
     */
    public LossState merge(LossState other) {
        String difference = difference(other);
        if (difference != null) {
            throw new IllegalArgumentException("cannot merge these loss states: " + difference);
        }
        if (classes == 0) {
            classes = other.classes;
        }
        for (Figure f : figures.values()) {
            f.merge(other.figures.get(f.id()));
        }
        return this;
    }

    /** What keeps {@code other} from merging into this state, or null. */
    private String difference(LossState other) {
        if (other.targets != targets || other.smoothed != smoothed) {
            return "one holds " + other.describe() + ", the other " + describe();
        }
        if (!sameRules(options, other.options)) {
            return "one was made with options " + describeOptions(options) + ", the other with "
                    + describeOptions(other.options);
        }
        if (classes != 0 && other.classes != 0 && classes != other.classes) {
            return "one has C = " + classes + ", the other C = " + other.classes;
        }
        if (!figures.keySet().equals(other.figures.keySet())) {
            return "one has the figures " + figureIds() + ", the other " + other.figureIds();
        }
        return null;
    }

    private static boolean sameRules(CrossEntropyOptions a, CrossEntropyOptions b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.ignoreIndex() == b.ignoreIndex()
                && Double.doubleToLongBits(a.labelSmoothing()) == Double.doubleToLongBits(b.labelSmoothing())
                && a.inputKind() == b.inputKind() && Arrays.equals(a.weight(), b.weight());
    }

    private static String describeOptions(CrossEntropyOptions o) {
        if (o == null) {
            return "(not known)";
        }
        return "(weight " + (o.hasWeight() ? Arrays.toString(o.weight()) : "none") + ", ignore_index "
                + o.ignoreIndex() + ", label_smoothing " + o.labelSmoothing() + ", input kind "
                + o.inputKind().name().toLowerCase(Locale.ROOT) + ")";
    }

    /** The ids of {@link #figures()}. */
    private List<String> figureIds() {
        List<String> ids = new ArrayList<>();
        figures().forEach(f -> ids.add(f.id()));
        return ids;
    }

    private String describe() {
        return targets + (smoothed ? " targets with label smoothing" : " targets");
    }

    /** The byte form (see the class notes): a header, then one section per figure. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeShort(FORMAT_VERSION);
            out.writeByte(targets.ordinal());
            out.writeBoolean(smoothed);
            out.writeInt(classes);
            writeOptions(out, options);
            out.writeInt(figures.size());
            for (String id : figures.keySet()) {
                out.writeUTF(id);
            }
            for (Figure f : figures.values()) {
                writeSection(out, f.id(), f::writeTo);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface SectionWriter {
        void write(DataOutput out) throws IOException;
    }

    private static void writeSection(DataOutputStream out, String id, SectionWriter writer) throws IOException {
        ByteArrayOutputStream section = new ByteArrayOutputStream(128);
        DataOutputStream sectionOut = new DataOutputStream(section);
        writer.write(sectionOut);
        sectionOut.flush();
        out.writeUTF(id);
        out.writeInt(section.size());
        section.writeTo(out);
    }

    private static void writeOptions(DataOutput out, CrossEntropyOptions o) throws IOException {
        out.writeBoolean(o != null);
        if (o == null) {
            return;
        }
        out.writeLong(o.ignoreIndex());
        out.writeDouble(o.labelSmoothing());
        out.writeUTF(o.inputKind().name());
        out.writeInt(o.hasWeight() ? o.weight().length : -1);
        if (o.hasWeight()) {
            for (double w : o.weight()) {
                out.writeDouble(w);
            }
        }
    }

    private static CrossEntropyOptions readOptions(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder().ignoreIndex(in.readLong())
                .labelSmoothing(in.readDouble());
        String kind = in.readUTF();
        try {
            b.inputKind(InputKind.valueOf(kind));
        } catch (IllegalArgumentException e) {
            throw new IOException("input kind " + kind + " is not known to this xent");
        }
        int n = in.readInt();
        if (n >= 0) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = in.readDouble();
            }
            b.weight(w);
        }
        return b.build();
    }

    /**
     * The state {@link #toBytes()} wrote (this version or an earlier one of the sectioned form); sections of
     * figures this xent does not know are skipped.
     *
     * @throws IllegalArgumentException for bytes that are not a state, of a later format version, or corrupt
     */
    public static LossState fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("not an xent loss state: it does not start with XENT");
            }
            short version = in.readShort();
            if (version < 1 || version > FORMAT_VERSION) {
                throw new IllegalArgumentException("loss state of format version " + version + "; this xent reads "
                        + "versions 1 to " + FORMAT_VERSION);
            }
            int kind = in.readByte();
            if (kind < 0 || kind >= Targets.values().length) {
                throw new IllegalArgumentException("corrupt loss state: target kind " + kind);
            }
            boolean smoothed = in.readBoolean();
            int classes = in.readInt();
            LossState s = new LossState(Targets.values()[kind], smoothed, readOptions(in), classes);
            int n = in.readInt();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(in.readUTF());
            }
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                if (!id.equals(ids.get(i))) {
                    throw new IllegalArgumentException("corrupt loss state: section " + i + " is '" + id
                            + "' but the header names '" + ids.get(i) + "'");
                }
                byte[] section = new byte[in.readInt()];
                in.readFully(section);
                DataInputStream sectionIn = new DataInputStream(new ByteArrayInputStream(section));
                Figure f = Figures.read(id, sectionIn);
                if (f != null) {
                    s.withFigure(f);
                }
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("corrupt loss state: bytes after the last section");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt loss state: " + e.getMessage(), e);
        }
    }

    /** PyTorch's {@code reduction='sum'}. */
    public double sum() {
        return loss.sum(targets, smoothed);
    }

    /** PyTorch's {@code reduction='mean'}. */
    public double mean() {
        return loss.mean(targets, smoothed);
    }

    /** {@link #sum()} or {@link #mean()}; {@code none} has no single value and is refused. */
    public double reduce(Reduction reduction) {
        switch (reduction) {
            case SUM:
                return sum();
            case MEAN:
                return mean();
            default:
                throw new IllegalArgumentException("reduction none gives one loss per row, not a single value");
        }
    }

    /**
     * The standard error of {@link #mean()} (see {@link StandardError}); NaN for fewer than two scored rows, a
     * non-finite mean, or a state without that figure.
     */
    public double standardError() {
        StandardError e = (StandardError) figures.get(StandardError.ID);
        return e == null ? Double.NaN : e.standardError(mean(), scored(), weightSum());
    }

    /** {@code exp(mean)}: the perplexity of the mean loss (NaN with a NaN mean, +inf for a mean above ~709.8). */
    public double perplexity() {
        return Math.exp(mean());
    }

    /** The mean in bits: {@code mean / ln 2}. */
    public double meanBits() {
        return mean() / Math.log(2.0);
    }

    /**
     * The normal-approximation 95% interval of {@link #mean()}, {@code mean ± 1.96 · standard error}, as
     * {@code {low, high}}; both NaN when the standard error is NaN (no such figure, fewer than two rows, a non-finite
     * mean).
     */
    public double[] meanInterval95() {
        double half = Z_95 * standardError();
        return new double[] {mean() - half, mean() + half};
    }

    /** The two-sided 95% quantile of the standard normal distribution. */
    private static final double Z_95 = 1.959963984540054;

    /**
     * The loss and counts by name, in the order they are shown: {@code mean}, {@code sum}, {@code rows},
     * {@code scored}, {@code ignored}, {@code weight_sum} (see their accessors for NaN and empty input).
     */
    public Map<String, Object> values() {
        return loss.values(this);
    }

    /** The normalizer of the mean: the sum of target-class weights, or the row count for probability targets. */
    public double weightSum() {
        return loss.weightSum();
    }

    public long scored() {
        return loss.scored();
    }

    public long ignored() {
        return loss.ignored();
    }

    public long rejected() {
        return loss.rejected();
    }

    public long nonFinite() {
        return loss.nonFinite();
    }

    /** Rows whose logits hold a NaN or an infinity. */
    public long nonFiniteInputs() {
        return loss.nonFiniteInputs();
    }

    /** Every row seen: scored, ignored and rejected; for sequences, the evaluated sequences and rejected rows. */
    public long rows() {
        SequenceStats q = sequenceStats();
        return q != null ? q.rows() + rejected() : scored() + ignored() + rejected();
    }
}
