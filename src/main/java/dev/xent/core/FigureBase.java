package dev.xent.core;

/**
 * What every figure shares: its id, its block, which rows it is defined for, which scored rows it takes, and the
 * merge guard. A subclass says only how it adds a row ({@link #addRow}) and merges a state of its own class
 * ({@link #mergeSame}).
 *
 * <p>A sequence figure ({@link Rows#SEQUENCES}) takes only whole-sequence rows; every other figure takes only
 * single rows (a language-model run's tokens reach it as single rows).
 *
 * @param <F> the subclass itself, the type {@link #mergeSame} receives
 */
abstract class FigureBase<F extends FigureBase<F>> implements Figure {
    private static final long serialVersionUID = 1L;

    /** The rows a figure is defined for. */
    enum Rows {
        /** Class-index targets, not sequences. */
        CLASS_INDEX,
        /** Any target kind, not sequences. */
        NOT_SEQUENCES,
        /** Language-model (sequence) evaluations only. */
        SEQUENCES,
        /** Every evaluation. */
        ALL
    }

    private final String id;
    private final String block;
    private final Rows rows;

    FigureBase(String id, String block, Rows rows) {
        this.id = id;
        this.block = block;
        this.rows = rows;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String block() {
        return block;
    }

    @Override
    public final boolean appliesTo(LossState.Targets targets, boolean sequences) {
        switch (rows) {
            case CLASS_INDEX:
                return targets == LossState.Targets.CLASS_INDEX && !sequences;
            case NOT_SEQUENCES:
                return !sequences;
            case SEQUENCES:
                return sequences;
            default:
                return true;
        }
    }

    @Override
    public final void add(ScoredRow row) {
        if ((row.sequence() != null) == (rows == Rows.SEQUENCES)) {
            addRow(row);
        }
    }

    /** Adds one row this figure takes (a whole sequence for a sequence figure, else a single row). */
    abstract void addRow(ScoredRow row);

    @Override
    @SuppressWarnings("unchecked")
    public final void merge(Figure other) {
        if (other == null || other.getClass() != getClass()) {
            throw new IllegalArgumentException("cannot merge figure '" + (other == null ? null : other.id())
                    + "' into '" + id + "'");
        }
        mergeSame((F) other);
    }

    /** Adds everything in {@code other}, a state of the same class (which keeps its value). */
    abstract void mergeSame(F other);
}
