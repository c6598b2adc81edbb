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
final class StateMerge extends Aggregator<byte[], StateBuffer, byte[]> {
    private static final long serialVersionUID = 1L;

    private final LossAggregator<byte[]> aggregator;

    /** {@code aggregator}: gives the empty state, with the figures the partial states gather. */
    StateMerge(LossAggregator<byte[]> aggregator) {
        this.aggregator = aggregator;
    }

    @Override
    public StateBuffer zero() {
        return aggregator.zero();
    }

    @Override
    public StateBuffer reduce(StateBuffer buffer, byte[] partial) {
        if (partial != null) {
            buffer.state().merge(LossState.fromBytes(partial));
        }
        return buffer;
    }

    @Override
    public StateBuffer merge(StateBuffer a, StateBuffer b) {
        a.state().merge(b.state());
        return a;
    }

    @Override
    public byte[] finish(StateBuffer buffer) {
        return buffer.state().toBytes();
    }

    @Override
    public Encoder<StateBuffer> bufferEncoder() {
        return StateBuffer.encoder();
    }

    @Override
    public Encoder<byte[]> outputEncoder() {
        return Encoders.BINARY();
    }
}
