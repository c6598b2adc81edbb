package dev.xent.cli;

/** The exit codes scripts can rely on. */
public final class ExitCode {
    /** The evaluation ran and its outputs are written. */
    public static final int OK = 0;
    /** The job failed while running: an invalid row (named in the message) or a Spark failure. */
    public static final int JOB_FAILED = 1;
    /** Nothing ran: a bad option, a missing input, a missing column or one of the wrong type. */
    public static final int BAD_INPUT = 2;

    private ExitCode() {
    }
}
