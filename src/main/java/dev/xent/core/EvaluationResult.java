package dev.xent.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of an evaluation: the exact state of all rows, C, and with a group-by the exact state of each group,
 * in the order of its key values. Every figure (mean, sum, counts, and the figures' values) comes from the states.
 */
public final class EvaluationResult {
    private final LossState total;
    private final int classes;
    private final List<Group> groups;

    public EvaluationResult(LossState total, int classes, List<Group> groups) {
        this.total = total;
        this.classes = classes;
        this.groups = Collections.unmodifiableList(groups);
    }

    /** All rows as one batch. */
    public LossState total() {
        return total;
    }

    /** C, or 0 when no row told it (an input with no non-null logits and no weight). */
    public int classes() {
        return classes;
    }

    /** The groups, sorted by key (empty without a group-by). */
    public List<Group> groups() {
        return groups;
    }

    /** One group: its key (column name to value, in group-by order) and its rows' exact state. */
    public static final class Group {
        private final Map<String, Object> key;
        private final LossState state;

        public Group(Map<String, Object> key, LossState state) {
            this.key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
            this.state = state;
        }

        public Map<String, Object> key() {
            return key;
        }

        public LossState state() {
            return state;
        }
    }
}
