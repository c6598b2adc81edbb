package dev.xent.spark;

import java.io.Serializable;

/**
 * What the aggregate does with rows it cannot score. By default an invalid row fails the job (PyTorch raises).
 * {@link #quarantine} counts invalid rows as rejected instead, optionally also rows whose logits or probabilities
 * hold a NaN or an infinity, and can stop the job once more than a number of rows are rejected.
 */
public final class RowPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fail on the first invalid row. */
    public static final RowPolicy FAIL = new RowPolicy(false, false, -1);

    private final boolean rejectInvalid;
    private final boolean rejectNonFinite;
    private final long maxRejected;

    private RowPolicy(boolean rejectInvalid, boolean rejectNonFinite, long maxRejected) {
        this.rejectInvalid = rejectInvalid;
        this.rejectNonFinite = rejectNonFinite;
        this.maxRejected = maxRejected;
    }

    /**
     * Reject invalid rows (and, with {@code rejectNonFinite}, non-finite ones) instead of failing.
     *
     * @param maxRejected stop with {@link TooManyRejectedException} once more rows than this are rejected;
     *                    -1 for no limit
     */
    public static RowPolicy quarantine(boolean rejectNonFinite, long maxRejected) {
        return of(true, rejectNonFinite, maxRejected);
    }

    /**
     * Any combination: invalid rows rejected or failing the job, non-finite rows rejected or scored.
     *
     * @param maxRejected -1 for no limit
     */
    public static RowPolicy of(boolean rejectInvalid, boolean rejectNonFinite, long maxRejected) {
        if (maxRejected < -1) {
            throw new IllegalArgumentException("maxRejected must be -1 (no limit) or at least 0, got " + maxRejected);
        }
        return new RowPolicy(rejectInvalid, rejectNonFinite, maxRejected);
    }

    /** True when some rows may be rejected rather than scored or failing the job. */
    public boolean rejectsAny() {
        return rejectInvalid || rejectNonFinite;
    }

    public boolean rejectInvalid() {
        return rejectInvalid;
    }

    public boolean rejectNonFinite() {
        return rejectNonFinite;
    }

    /** The most rows that may be rejected, or -1 for no limit. */
    public long maxRejected() {
        return maxRejected;
    }
}
