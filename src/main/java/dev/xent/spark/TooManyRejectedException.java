package dev.xent.spark;

/** More rows were rejected than the policy allows; the job stops and writes nothing. */
public final class TooManyRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TooManyRejectedException(String message) {
        super(message);
    }
}
