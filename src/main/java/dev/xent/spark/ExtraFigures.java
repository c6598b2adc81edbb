package dev.xent.spark;

import dev.xent.core.Figure;
import dev.xent.core.Figures;
import dev.xent.core.LossState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which figures to gather in the same scan beyond the loss and its standard error, by id ({@link Figures}):
 * {@code metrics} asks for every registered figure shown in the {@code metrics} block (accuracy, top-k accuracy,
 * entropy, calibration, and any figure registered later in that block) that is defined for the rows; others are
 * asked for by id. Language-model rows always get the sequence figure.
 */
public final class ExtraFigures implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Nothing beyond the loss. */
    public static final ExtraFigures NONE = new ExtraFigures(false, 5, Set.of());

    private final boolean metrics;
    private final int topK;
    private final Set<String> ids;

    public ExtraFigures(boolean metrics, int topK, boolean perClass) {
        this(metrics, topK, perClass, false);
    }

    /** With {@code histogram}, also a histogram of the scored rows' losses (any row kind but sequences). */
    public ExtraFigures(boolean metrics, int topK, boolean perClass, boolean histogram) {
        this(metrics, topK, ids(perClass, histogram));
    }

    private static Set<String> ids(boolean perClass, boolean histogram) {
        Set<String> ids = new LinkedHashSet<>();
        if (perClass) {
            ids.add("per_class");
        }
        if (histogram) {
            ids.add("histogram");
        }
        return ids;
    }

    private ExtraFigures(boolean metrics, int topK, Set<String> ids) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k: expected at least 1, got " + topK);
        }
        for (String id : ids) {
            Figures.make(id, topK); // refuses an unknown id
        }
        this.metrics = metrics;
        this.topK = topK;
        this.ids = Set.copyOf(ids);
    }

    /** These figures and the figure {@code id} too. */
    public ExtraFigures with(String id) {
        Set<String> more = new LinkedHashSet<>(ids);
        more.add(id);
        return new ExtraFigures(metrics, topK, more);
    }

    /** Every registered figure defined for the rows (one pass gives them all). */
    public static ExtraFigures all(int topK) {
        return new ExtraFigures(true, topK, new LinkedHashSet<>(Figures.ids()));
    }

    public int topK() {
        return topK;
    }

    /**
     * The empty figures for rows of this kind.
     *
     * @throws InputSchemaException when a figure asked for by id, or every figure of {@code metrics}, is not
     *                              defined for these rows
     */
    public List<Figure> make(LossState.Targets targets, boolean sequences, String targetColumn) {
        List<Figure> out = new ArrayList<>();
        boolean metricFound = false;
        for (String id : Figures.ids()) {
            Figure f = Figures.make(id, topK);
            boolean applies = f.appliesTo(targets, sequences);
            boolean asked = ids.contains(id) || metrics && f.block().equals("metrics")
                    || id.equals("sequences") && sequences || id.equals("standard_error");
            if (!asked) {
                continue;
            }
            if (applies) {
                out.add(f);
                metricFound |= f.block().equals("metrics");
            } else if (ids.contains(id) && !all()) {
                throw notDefined("figure '" + id + "'", targets, sequences, targetColumn);
            }
        }
        if (metrics && !metricFound && !all()) {
            throw notDefined("accuracy, calibration and the other metrics", targets, sequences, targetColumn);
        }
        return out;
    }

    private boolean all() {
        return metrics && ids.containsAll(Figures.ids());
    }

    private static InputSchemaException notDefined(String what, LossState.Targets targets, boolean sequences,
            String targetColumn) {
        return new InputSchemaException(what + " cannot be computed from column '" + targetColumn + "': it holds "
                + (sequences ? "sequences" : targets == LossState.Targets.PROBABILITIES ? "probabilities"
                : "class indices"));
    }
}
