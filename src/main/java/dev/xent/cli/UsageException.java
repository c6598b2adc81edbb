package dev.xent.cli;

/** A problem found before any evaluation runs; exit code 2, one line naming the option or column. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
