package dev.xent.core;

/**
 * A row that PyTorch would refuse (or that has no tensor form): a target outside {@code [0, C)} that is not the
 * ignore index, a row whose length is not C, a null row. The message names the value and what was allowed; callers
 * that know the row's identity add it with {@link #atRow(String)}.
 */
public final class InvalidRowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Why a row was refused; stable names that can go into a {@code reason} column. */
    public enum Reason {
        TARGET_OUT_OF_RANGE,
        NULL_TARGET,
        NULL_LOGITS,
        RAGGED_LOGITS,
        /** No longer given: a null probability array is {@link #NULL_TARGET}, as a null class index. */
        @Deprecated
        NULL_PROBABILITIES,
        RAGGED_PROBABILITIES,
        /** Target log-probabilities: a scored token's log-probability is NaN (or null) or positive. */
        INVALID_LOG_PROBABILITY,
        /** Target log-probabilities: a scored token's weight is NaN, infinite or null. */
        INVALID_WEIGHT,
        /** Target log-probabilities: the mask, weights or targets are null, hold a null, or differ in length. */
        RAGGED_TOKENS
    }

    private final Reason reason;
    private final String detail;

    public InvalidRowException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
        this.detail = detail;
    }

    private InvalidRowException(Reason reason, String detail, String message) {
        super(message);
        this.reason = reason;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The message without any row identity. */
    public String detail() {
        return detail;
    }

    /** The same error with the row's identity in front, for example {@code row 17: target 4 is ...}. */
    public InvalidRowException atRow(String rowIdentity) {
        return new InvalidRowException(reason, detail, rowIdentity + ": " + detail);
    }
}
