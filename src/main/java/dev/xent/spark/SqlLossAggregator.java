package dev.xent.spark;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import dev.xent.core.RowRule;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * The exact aggregate behind {@link XentFunctions#register}'s {@code xent_agg} and {@code xent_agg_probs} (the
 * extension's names run {@link LossAggregate}): as {@link LossAggregator}, for rows that SQL hands over as boxed arrays. C is the options' (class count or weight
 * length), else the length of the first row each task sees; a row of another length is invalid. Invalid rows fail
 * the query with the core's {@link InvalidRowException}.
 */
final class SqlLossAggregator<I extends SqlLossAggregator.Input> extends Aggregator<I, StateBuffer, LossSummary> {
    private static final long serialVersionUID = 1L;

    /** What the aggregate needs of a row, whichever bean carries it. */
    interface Input {
        Double[] logitValues();

        Double[] probabilityValues();

        Long classIndex();
    }

    private final CrossEntropyOptions options;
    private final LossState.Targets targets;
    private transient CrossEntropy kernel;

    SqlLossAggregator(CrossEntropyOptions options, LossState.Targets targets) {
        this.options = options;
        this.targets = targets;
    }

    @Override
    public StateBuffer zero() {
        return new StateBuffer(LossState.of(options, targets));
    }

    @Override
    public StateBuffer reduce(StateBuffer buffer, I row) {
        LossState state = buffer.state();
        double[] logits = unbox(row.logitValues(), "logits");
        if (kernel == null) {
            kernel = new CrossEntropy(options, RowRule.classes(options, logits == null ? 0 : logits.length));
        }
        if (targets == LossState.Targets.PROBABILITIES) {
            kernel.add(state, logits, unbox(row.probabilityValues(), "probabilities"));
            return buffer;
        }
        if (row.classIndex() == null) {
            throw RowRule.nullTarget();
        }
        kernel.add(state, logits, row.classIndex());
        return buffer;
    }

    private static double[] unbox(Double[] values, String what) {
        if (values == null) {
            return null;
        }
        double[] out = new double[values.length];
        int firstNull = -1;
        for (int i = 0; i < out.length; i++) {
            if (values[i] == null) {
                firstNull = firstNull < 0 ? i : firstNull;
            } else {
                out[i] = values[i];
            }
        }
        RowRule.checkNulls(out, firstNull, what);
        return out;
    }

    @Override
    public StateBuffer merge(StateBuffer a, StateBuffer b) {
        a.state().merge(b.state());
        return a;
    }

    @Override
    public LossSummary finish(StateBuffer buffer) {
        return LossSummary.of(buffer.state());
    }

    @Override
    public Encoder<StateBuffer> bufferEncoder() {
        return StateBuffer.encoder();
    }

    @Override
    public Encoder<LossSummary> outputEncoder() {
        return Encoders.bean(LossSummary.class);
    }
}
