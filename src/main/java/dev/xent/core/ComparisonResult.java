package dev.xent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of comparing two models on the same rows: the paired comparison of all compared rows, of each group
 * (in key order), and the accounting of the rows that were not compared: keys found on one side only, keys found
 * more than once on a side (never compared), ignored rows (target equal to the ignore index on both sides) and
 * rejected rows (invalid on either side, or with different targets), each with the first few keys as examples.
 */
public final class ComparisonResult {
    private final PairedComparison total;
    private final List<Group> groups;
    private final Map<String, Long> counts;
    private final Map<String, List<String>> examples;
    private final boolean sequences;

    /**
     * @param counts   {@code only_in_baseline}, {@code only_in_candidate}, {@code duplicate_keys_baseline},
     *                 {@code duplicate_keys_candidate}, {@code ignored}, {@code rejected}
     * @param examples for each count, its first few keys (smallest first) and, for rejected rows, the reason
     */
    public ComparisonResult(PairedComparison total, List<Group> groups, Map<String, Long> counts,
            Map<String, List<String>> examples) {
        this(total, groups, counts, examples, false);
    }

    /**
     * @param sequences the rows are language-model sequences: each compared row is a sequence (the unit of the
     *                  standard error and the bootstrap), its loss the sum of its token losses and its weight the
     *                  sum of its scored tokens' weights, so the means are token-level means
     */
    public ComparisonResult(PairedComparison total, List<Group> groups, Map<String, Long> counts,
            Map<String, List<String>> examples, boolean sequences) {
        this.sequences = sequences;
        this.total = total;
        this.groups = Collections.unmodifiableList(new ArrayList<>(groups));
        this.counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        this.examples = Collections.unmodifiableMap(new LinkedHashMap<>(examples));
    }

    /** True when each compared row is a language-model sequence. */
    public boolean sequences() {
        return sequences;
    }

    public PairedComparison total() {
        return total;
    }

    public List<Group> groups() {
        return groups;
    }

    /** A count by name (0 when absent). */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    public Map<String, Long> counts() {
        return counts;
    }

    /** The first few keys of a count (empty when none). */
    public List<String> examples(String name) {
        return examples.getOrDefault(name, List.of());
    }

    /** Keys on one side only, plus keys duplicated on either side. */
    public long unmatched() {
        return count("only_in_baseline") + count("only_in_candidate") + count("duplicate_keys_baseline")
                + count("duplicate_keys_candidate");
    }

    /** One group: its key (column name to value) and its comparison. */
    public static final class Group {
        private final Map<String, Object> key;
        private final PairedComparison comparison;

        public Group(Map<String, Object> key, PairedComparison comparison) {
            this.key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
            this.comparison = comparison;
        }

        public Map<String, Object> key() {
            return key;
        }

        public PairedComparison comparison() {
            return comparison;
        }
    }
}
