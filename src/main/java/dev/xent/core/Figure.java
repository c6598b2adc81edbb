package dev.xent.core;

import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One figure of an evaluation, gathered in the same scan as the loss: a small mutable state that is its own
 * semigroup. {@link #zero()} is an empty state with the same parameters, {@link #add} takes one {@link ScoredRow},
 * {@link #merge} adds another state of the same figure (any order of adds and merges gives the same bits), and
 * {@link #writeTo} is its byte form, read back by the reader {@link Figures} registers under {@link #id()}.
 *
 * <p>{@link #values} are the numbers it reports, by name, in the order they are shown: a {@code Double} (non-finite
 * values stay as they are), a {@code Long}/{@code Integer}, or a list of maps of those (bins, classes). Renderers
 * loop over them and name no figure. What NaN, infinities and empty input do is said by each figure.
 */
public interface Figure extends Serializable {
    /** The figure's id: its section in a state's byte form and its key when asked for. */
    String id();

    /** Where its values are shown: {@code ""} for the top level beside the mean, else the name of a block. */
    default String block() {
        return "metrics";
    }

    /** True when the figure is defined for rows of this kind of target ({@code sequences}: language-model rows). */
    boolean appliesTo(LossState.Targets targets, boolean sequences);

    /** True when a larger {@code value} (one of {@link #values}' names) is better, as for accuracy. */
    default boolean largerIsBetter(String value) {
        return false;
    }

    /** An empty state of this figure, with the same parameters. */
    Figure zero();

    /** Adds one scored row (or, for {@link ScoredRow#sequence()} rows, one whole sequence). */
    void add(ScoredRow row);

    /**
     * Adds everything in {@code other} (which keeps its value).
     *
     * @throws IllegalArgumentException when {@code other} is another figure or has other parameters
     */
    void merge(Figure other);

    /** The byte form: fixed layout, big-endian ({@link DataOutput}). */
    void writeTo(DataOutput out) throws IOException;

    /** The reported values; {@code total} is the state the figure belongs to (mean, sum, options, C). */
    Map<String, Object> values(LossState total);

    /**
     * The charts (with their tables) this figure draws in a report, computed from the state; none by default (its
     * numbers are still shown, in its block's table).
     */
    default List<Chart> charts(LossState total) {
        return List.of();
    }
}
