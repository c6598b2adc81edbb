package dev.xent.spark;

import dev.xent.core.InvalidRowException;
import java.util.function.Supplier;

/**
 * Turns a failed job into the error to report, the same way for every evaluation path: a too-many-rejected stop as
 * it is; an invalid row as the core's {@link InvalidRowException}, naming the row that an {@link InvalidRowLocator}
 * finds again (the core's error alone when it finds none or fails); anything else unchanged.
 */
final class InvalidRowNamer {
    private InvalidRowNamer() {
    }

    /** {@code failure} named for the evaluation {@code spec} whose scan ran with C = {@code classes}. */
    static RuntimeException named(Exception failure, EvaluationSpec spec, InputColumns columns, int classes) {
        return named(failure, () -> new InvalidRowLocator(spec.input, columns, spec.options, classes, spec.idColumns,
                spec.singleFileReader));
    }

    /** {@code failure} named with the row that {@code locator} finds (see the class notes). */
    static RuntimeException named(Exception failure, Supplier<InvalidRowLocator> locator) {
        TooManyRejectedException tooMany = find(failure, TooManyRejectedException.class);
        if (tooMany != null) {
            return tooMany;
        }
        InvalidRowException cause = find(failure, InvalidRowException.class);
        if (cause == null) {
            return failure instanceof RuntimeException
                    ? (RuntimeException) failure
                    : new IllegalStateException(failure.getMessage(), failure);
        }
        String where;
        try {
            where = locator.get().describeFirstInvalidRow();
        } catch (RuntimeException locating) {
            where = null;
        }
        if (where == null) {
            return cause;
        }
        int colon = where.indexOf(": ");
        return new InvalidRowException(cause.reason(), where.substring(colon + 2)).atRow(where.substring(0, colon));
    }

    /** The first cause of {@code t} (itself included) of this type, or null. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
