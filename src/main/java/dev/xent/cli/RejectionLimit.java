package dev.xent.cli;

import dev.xent.core.LossState;
import dev.xent.spark.TooManyRejectedException;

/**
 * {@code --max-rejected}: a count ({@code 1000}) or, below 1, a fraction of the rows ({@code 0.01}). A count also
 * stops tasks early (one task alone over the limit means the whole job is); a fraction is checked on the totals.
 */
final class RejectionLimit {
    private final long count;
    private final double fraction;

    private RejectionLimit(long count, double fraction) {
        this.count = count;
        this.fraction = fraction;
    }

    static RejectionLimit parse(String text) {
        if (text == null) {
            return new RejectionLimit(-1, Double.NaN);
        }
        try {
            if (text.matches("\\d+")) {
                return new RejectionLimit(Long.parseLong(text), Double.NaN);
            }
            double f = Double.parseDouble(text);
            if (f >= 0 && f < 1) {
                return new RejectionLimit(-1, f);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("--max-rejected: expected a row count (1000) or a fraction below 1 (0.01) but got '"
                + text + "'");
    }

    /** The count limit tasks can enforce alone, or -1. */
    long perTaskLimit() {
        return count;
    }

    /** Fails when the totals exceed the limit. */
    void check(LossState total) {
        if (count >= 0 && total.rejected() > count) {
            throw new TooManyRejectedException(total.rejected() + " rows rejected, more than --max-rejected " + count);
        }
        if (!Double.isNaN(fraction) && total.rejected() > fraction * total.rows()) {
            throw new TooManyRejectedException(total.rejected() + " of " + total.rows()
                    + " rows rejected, more than --max-rejected " + fraction + " of the rows");
        }
    }
}
