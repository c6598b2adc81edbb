package dev.xent.spark;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.Figure;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.LossState;
import dev.xent.core.NonFiniteValues;
import dev.xent.core.RowRule;
import dev.xent.core.SequenceLoss;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * The exact, mergeable cross-entropy aggregate: Spark's {@code zero/reduce/merge/finish} over the core's
 * {@link LossState}. Every number comes from {@link CrossEntropy}; this class only routes rows. Because the state's
 * sums are exact, the result has the same bits for any partitioning and any order of rows.
 *
 * <p>An invalid row (null logits or target, a null element, a row whose length is not C, a target out of range)
 * fails the task with the core's {@link InvalidRowException}, as PyTorch raises; or, under a quarantine
 * {@link RowPolicy}, it is counted as rejected and left out of both sums. Rows whose logits or probabilities hold
 * a NaN or an infinity are counted ({@link LossState#nonFiniteInputs()}) and, if the policy says so, rejected.
 *
 * @param <O> what {@code finish} returns: a {@link LossSummary}, or the state's bytes to merge further
 */
public final class LossAggregator<O> extends Aggregator<EvaluationRow, StateBuffer, O> {
    private static final long serialVersionUID = 1L;

    private final CrossEntropyOptions options;
    private final int classes;
    private final LossState.Targets targets;
    private final RowPolicy policy;
    private final LogitsEncoding encoding;
    private final String targetColumn;
    private final boolean sequenceRows;
    private ExtraFigures figures = ExtraFigures.NONE;
    private final Encoder<O> outputEncoder;
    private final boolean returnsBytes;
    private transient CrossEntropy kernel;
    private transient SequenceLoss sequences;
    private transient long rejectedInTask;

    /**
     * An aggregate returning a {@link LossSummary} struct.
     *
     * @param classes  C, known before the scan
     * @param policy   what to do with invalid and non-finite rows
     * @param encoding how binary logits are packed (null when they are not binary)
     */
    public static LossAggregator<LossSummary> summarizing(CrossEntropyOptions options, int classes,
            InputColumns columns, RowPolicy policy) {
        return new LossAggregator<>(options, classes, columns, policy, Encoders.bean(LossSummary.class), false);
    }

    /** An aggregate returning the exact state as bytes ({@link LossState#toBytes()}), to merge further. */
    public static LossAggregator<byte[]> exact(CrossEntropyOptions options, int classes, InputColumns columns,
            RowPolicy policy) {
        return new LossAggregator<>(options, classes, columns, policy, Encoders.BINARY(), true);
    }

    private LossAggregator(CrossEntropyOptions options, int classes, InputColumns columns,
            RowPolicy policy, Encoder<O> outputEncoder, boolean returnsBytes) {
        new CrossEntropy(options, classes); // validates C against the options before any job starts
        this.options = options;
        this.classes = classes;
        this.targets = columns.targets();
        this.sequenceRows = columns.isSequence();
        this.targetColumn = columns.targetName();
        this.policy = policy;
        this.encoding = columns.encoding();
        this.outputEncoder = outputEncoder;
        this.returnsBytes = returnsBytes;
    }

    @Override
    public StateBuffer zero() {
        return new StateBuffer(emptyState());
    }

    /** The empty state, with the figures this aggregate gathers. */
    LossState emptyState() {
        LossState state = LossState.of(options, targets);
        for (Figure f : figures.make(targets, sequenceRows, targetColumn)) {
            state.withFigure(f);
        }
        return state;
    }

    /**
     * Also gathers these figures; returns this.
     *
     * @throws InputSchemaException when a figure asked for is not defined for these rows
     */
    public LossAggregator<O> withFigures(ExtraFigures extra) {
        extra.make(targets, sequenceRows, targetColumn);
        this.figures = extra;
        return this;
    }

    /** A language-model row: its tokens go in all or nothing, and the row into the sequence figure. */
    private void addSequence(LossState state, EvaluationRow row) {
        if (row.isNullElements()) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS,
                    "logits or targets hold a null element");
        }
        if (sequences == null) {
            sequences = new SequenceLoss(options, classes);
        }
        Object tokens = row.getFloatSequence() != null ? row.getFloatSequence() : row.getDoubleSequence();
        sequences.add(state, tokens, row.getTargetSequence(),
                row.getSequenceBytes() == null ? 0 : row.getSequenceBytes(),
                row.getSequenceWords() == null ? 0 : row.getSequenceWords());
    }

    @Override
    public StateBuffer reduce(StateBuffer buffer, EvaluationRow row) {
        reduce(buffer.state(), row);
        return buffer;
    }

    /** Adds one row to {@code state} (or rejects it, as the policy says); returns {@code state}. */
    LossState reduce(LossState state, EvaluationRow row) {
        try {
            addRow(state, row);
        } catch (InvalidRowException e) {
            if (!policy.rejectInvalid()) {
                throw e;
            }
            reject(state);
        }
        return state;
    }

    /** Adds one row of any kind; an invalid row throws before it adds anything. */
    private void addRow(LossState state, EvaluationRow row) {
        if (row.getBinaryLogits() != null) {
            row.setFloatLogits(encoding.decode(row.getBinaryLogits()));
        }
        if (row.getFloatSequence() != null || row.getDoubleSequence() != null || row.getTargetSequence() != null) {
            addSequence(state, row);
            return;
        }
        boolean nonFinite = NonFiniteValues.any(row.getFloatLogits()) || NonFiniteValues.any(row.getDoubleLogits())
                || NonFiniteValues.any(row.getProbabilities());
        if (nonFinite) {
            state.addNonFiniteInput();
            if (policy.rejectNonFinite()) {
                reject(state);
                return;
            }
        }
        add(state, row);
    }

    private void reject(LossState state) {
        state.addRejected();
        rejectedInTask++;
        if (policy.maxRejected() >= 0 && rejectedInTask > policy.maxRejected()) {
            throw new TooManyRejectedException("more than " + policy.maxRejected() + " rows rejected (at least "
                    + rejectedInTask + " in one task)");
        }
    }

    private void add(LossState state, EvaluationRow row) {
        CrossEntropy k = kernel();
        if (row.isNullElements()) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS,
                    "logits or probabilities hold a null or non-numeric element");
        }
        if (targets == LossState.Targets.CLASS_INDEX) {
            Long target = row.getTarget();
            if (target == null) {
                throw RowRule.nullTarget();
            }
            if (row.getFloatLogits() != null) {
                k.add(state, row.getFloatLogits(), target);
            } else {
                k.add(state, row.getDoubleLogits(), target);
            }
        } else if (row.getFloatLogits() != null) {
            k.add(state, row.getFloatLogits(), row.getProbabilities());
        } else {
            k.add(state, row.getDoubleLogits(), row.getProbabilities());
        }
    }

    @Override
    public StateBuffer merge(StateBuffer a, StateBuffer b) {
        a.state().merge(b.state());
        return a;
    }

    @Override
    @SuppressWarnings("unchecked")
    public O finish(StateBuffer buffer) {
        LossState state = buffer.state();
        return returnsBytes ? (O) state.toBytes() : (O) LossSummary.of(state);
    }

    @Override
    public Encoder<StateBuffer> bufferEncoder() {
        return StateBuffer.encoder();
    }

    @Override
    public Encoder<O> outputEncoder() {
        return outputEncoder;
    }

    private CrossEntropy kernel() {
        if (kernel == null) {
            kernel = new CrossEntropy(options, classes);
        }
        return kernel;
    }
}
