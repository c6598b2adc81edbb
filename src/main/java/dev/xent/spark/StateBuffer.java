package dev.xent.spark;

import dev.xent.core.LossState;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;

/**
 * The aggregation buffer of xent's Spark aggregates: a {@link LossState} that Spark stores as xent's own byte
 * form ({@link LossState#toBytes()}), through a plain bean encoder. Spark reads the bean property {@code bytes}
 * only when it serializes the buffer (to shuffle or spill it); between rows the state stays an object. The same
 * encoder works on every supported Spark (3.5 to 4.2), unlike {@code Encoders.kryo}, whose codec cannot be
 * serialized on Spark 4.0 and 4.1. The round trip keeps every bit of the state.
 */
public final class StateBuffer {
    private LossState state;

    /** For Spark's bean decoder, which then calls {@link #setBytes}. */
    public StateBuffer() {
    }

    StateBuffer(LossState state) {
        this.state = state;
    }

    /** The state this buffer holds. */
    LossState state() {
        return state;
    }

    /** The state's byte form, for Spark's bean encoder. */
    public byte[] getBytes() {
        return state.toBytes();
    }

    /** Restores the state from its byte form, for Spark's bean decoder. */
    public void setBytes(byte[] bytes) {
        state = LossState.fromBytes(bytes);
    }

    /** The buffer encoder of xent's aggregates. */
    static Encoder<StateBuffer> encoder() {
        return Encoders.bean(StateBuffer.class);
    }
}
