package dev.xent.spark;

import dev.xent.core.LossState;
import dev.xent.core.RowRule;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * The buffer of the catalog aggregate {@code xent.agg} ({@link LossAggregate}): the exact {@link LossState}, or
 * none before the first row (its options come with that row's call), and C, learned from the first row when the
 * options do not fix it: buffers of other C do not merge (a row of another length is invalid, as in
 * {@code bin/xent}). Spark ships it with Java serialization, which
 * here writes the state's own byte form ({@link LossState#toBytes()}).
 */
public final class AggregateState implements Externalizable {
    private static final long serialVersionUID = 1L;

    private LossState state;
    private int classes;

    /** An empty buffer (also Java serialization's constructor). */
    public AggregateState() {
    }

    LossState state() {
        return state;
    }

    /** C of the rows added (0 before the first). */
    int classes() {
        return classes;
    }

    void start(LossState state, int classes) {
        this.state = state;
        this.classes = classes;
    }

    /** Adds {@code other}'s rows to this buffer; returns this. */
    AggregateState merge(AggregateState other) {
        if (other.state == null) {
            return this;
        }
        if (state == null) {
            state = other.state;
            classes = other.classes;
            return this;
        }
        RowRule.checkSameClasses(classes, other.classes);
        state.merge(other.state);
        return this;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        byte[] bytes = state == null ? new byte[0] : state.toBytes();
        out.writeInt(classes);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        classes = in.readInt();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        state = bytes.length == 0 ? null : LossState.fromBytes(bytes);
    }
}
