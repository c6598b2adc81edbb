package dev.xent.spark;

import dev.xent.core.PairedComparison;
import dev.xent.core.PoissonBootstrap;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * One partition of paired rows into one {@link Partial}: each row (the group columns, the key columns, then
 * {@code bn, cn} how many rows the key has on each side (null: none), {@code bt, ct} the targets, {@code w} the
 * normalizer share, {@code ignored}, and per side the loss and the reason it is invalid) is counted as on one
 * side only, duplicated, rejected (invalid on a side, or targets that differ), ignored, or compared, into its
 * group's {@link PairedComparison}.
 */
final class PairedScan implements FlatMapFunction<Iterator<Row>, PairedScan.Partial> {
    private static final long serialVersionUID = 1L;
    static final String[] COUNTS = {"only_in_baseline", "only_in_candidate", "duplicate_keys_baseline",
        "duplicate_keys_candidate", "ignored", "rejected"};
    static final int EXAMPLES = 5;

    private final int groups;
    private final String[] keyNames;
    private final PoissonBootstrap bootstrap;
    private final boolean scoredTokens;

    /**
     * {@code keyNames}: the key columns (empty: a row's identity is its target and losses, for the bootstrap);
     * {@code scoredTokens}: the targets are target-log-probs rows' {@link dev.xent.core.TargetLogProbs#scoredTokens}.
     */
    PairedScan(int groups, String[] keyNames, PoissonBootstrap bootstrap, boolean scoredTokens) {
        this.groups = groups;
        this.keyNames = keyNames.clone();
        this.bootstrap = bootstrap;
        this.scoredTokens = scoredTokens;
    }

    @Override
    public Iterator<Partial> call(Iterator<Row> rows) {
        Partial partial = new Partial();
        int k = keyNames.length;
        int at = groups + k;
        while (rows.hasNext()) {
            Row row = rows.next();
            boolean inBaseline = !row.isNullAt(at);
            boolean inCandidate = !row.isNullAt(at + 1);
            if (!inBaseline || !inCandidate) {
                partial.count(inBaseline ? 0 : 1, key(row));
                if (inBaseline && row.getLong(at) > 1) {
                    partial.count(2, key(row));
                }
                if (inCandidate && row.getLong(at + 1) > 1) {
                    partial.count(3, key(row));
                }
                continue;
            }
            boolean duplicated = false;
            if (row.getLong(at) > 1) {
                partial.count(2, key(row));
                duplicated = true;
            }
            if (row.getLong(at + 1) > 1) {
                partial.count(3, key(row));
                duplicated = true;
            }
            if (duplicated) {
                continue;
            }
            Object baselineTarget = row.get(at + 2);
            Object candidateTarget = row.get(at + 3);
            String baselineInvalid = row.getString(at + 7);
            String candidateInvalid = row.getString(at + 9);
            String reason = baselineInvalid != null ? "baseline: " + baselineInvalid
                    : candidateInvalid != null ? "candidate: " + candidateInvalid
                    : sameTarget(baselineTarget, candidateTarget) ? null
                    : scoredTokens ? "scored tokens differ: the two rows differ in length, mask, token weights or "
                    + "targets" : "targets differ: baseline " + text(baselineTarget) + ", candidate "
                    + text(candidateTarget);
            if (reason != null) {
                partial.count(5, key(row) + ": " + reason);
                continue;
            }
            if (row.getBoolean(at + 5)) {
                partial.count(4, null);
                continue;
            }
            double weight = row.getDouble(at + 4);
            double baselineLoss = row.getDouble(at + 6);
            double candidateLoss = row.getDouble(at + 8);
            List<Object> group = new ArrayList<>(groups);
            for (int g = 0; g < groups; g++) {
                group.add(row.get(g));
            }
            long hash = bootstrap == null ? 0 : k > 0 ? PoissonBootstrap.hashKey(key(row))
                    : PoissonBootstrap.hashKey(text(baselineTarget) + "|" + Double.doubleToLongBits(baselineLoss) + "|"
                    + Double.doubleToLongBits(candidateLoss));
            partial.groups.computeIfAbsent(group, g -> new PairedComparison(bootstrap))
                    .add(baselineLoss, candidateLoss, weight, hash);
        }
        return List.of(partial).iterator();
    }

    private String key(Row row) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < keyNames.length; i++) {
            s.append(i == 0 ? "" : ", ").append(keyNames[i]).append('=').append(text(row.get(groups + i)));
        }
        return s.toString();
    }

    private static boolean sameTarget(Object a, Object b) {
        if (a instanceof scala.collection.Seq && b instanceof scala.collection.Seq) {
            return a.equals(b);
        }
        return Objects.equals(a, b);
    }

    private static String text(Object v) {
        if (v instanceof scala.collection.Seq) {
            return "[" + ((scala.collection.Seq<?>) v).mkString(", ") + "]";
        }
        return String.valueOf(v);
    }

    /** One partition's comparisons by group, counts, and the smallest few example keys of each count. */
    static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        final Map<List<Object>, PairedComparison> groups = new HashMap<>();
        final long[] counts = new long[COUNTS.length];
        final List<TreeSet<String>> examples = new ArrayList<>();

        Partial() {
            for (int i = 0; i < COUNTS.length; i++) {
                examples.add(new TreeSet<>());
            }
        }

        void count(int which, String example) {
            counts[which]++;
            if (example != null) {
                TreeSet<String> e = examples.get(which);
                e.add(example);
                if (e.size() > EXAMPLES) {
                    e.pollLast();
                }
            }
        }

        Partial merge(Partial other) {
            other.groups.forEach((g, c) -> groups.merge(g, c, PairedComparison::merge));
            for (int i = 0; i < counts.length; i++) {
                counts[i] += other.counts[i];
                for (String e : other.examples.get(i)) {
                    examples.get(i).add(e);
                    if (examples.get(i).size() > EXAMPLES) {
                        examples.get(i).pollLast();
                    }
                }
            }
            return this;
        }

        @Override
        public String toString() {
            return Arrays.toString(counts) + " " + groups.size() + " groups";
        }
    }
}
