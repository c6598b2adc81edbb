package dev.xent.spark;

import dev.xent.core.LossState;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * Merges exact states given as bytes ({@link LossState#toBytes()}) into one, returned as bytes: the second step of
 * an evaluation, over the partial states of {@link PartitionScan}. Null inputs are skipped; no input gives the
 * empty state (as the aggregate's {@code zero}). Exact sums make the result independent of the merge order.
 */
final class StateMerge extends Aggregator<byte[], LossState, byte[]> {
    private static final long serialVersionUID = 1L;

    private final LossAggregator<byte[]> aggregator;

    /** {@code aggregator}: gives the empty state, with the figures the partial states gather. */
    StateMerge(LossAggregator<byte[]> aggregator) {
        this.aggregator = aggregator;
    }

    @Override
    public LossState zero() {
        return aggregator.zero();
    }

    @Override
    public LossState reduce(LossState state, byte[] partial) {
        return partial == null ? state : state.merge(LossState.fromBytes(partial));
    }

    @Override
    public LossState merge(LossState a, LossState b) {
        return a.merge(b);
    }

    @Override
    public byte[] finish(LossState state) {
        return state.toBytes();
    }

    @Override
    public Encoder<LossState> bufferEncoder() {
        return Encoders.kryo(LossState.class);
    }

    @Override
    public Encoder<byte[]> outputEncoder() {
        return Encoders.BINARY();
    }
}
