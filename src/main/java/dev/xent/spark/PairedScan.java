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
 * The rule for one key of a comparison ({@link #pair}): it is counted as on one side only, duplicated, rejected
 * (invalid on a side, or targets that differ), ignored, or compared, into its group's {@link PairedComparison}.
 * As a function, it walks one partition of the one-dataset form's paired rows (the group columns, the key columns,
 * then {@code bn, cn} how many rows the key has on each side, {@code bt, ct} the targets, {@code w} the normalizer
 * share, {@code ignored}, and per side the loss and the reason it is invalid) into one {@link Partial};
 * {@link KeyRunScan} walks the two-dataset form's.
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
        int at = groups + keyNames.length;
        while (rows.hasNext()) {
            Row row = rows.next();
            Object[] key = new Object[keyNames.length];
            for (int i = 0; i < key.length; i++) {
                key[i] = row.get(groups + i);
            }
            List<Object> group = new ArrayList<>(groups);
            for (int g = 0; g < groups; g++) {
                group.add(row.get(g));
            }
            pair(partial, key, group, row.isNullAt(at) ? 0 : row.getLong(at),
                    row.isNullAt(at + 1) ? 0 : row.getLong(at + 1), row.get(at + 2), row.get(at + 3),
                    row.isNullAt(at + 4) ? 0.0 : row.getDouble(at + 4), !row.isNullAt(at + 5) && row.getBoolean(at + 5),
                    row.isNullAt(at + 6) ? 0.0 : row.getDouble(at + 6), row.getString(at + 7),
                    row.isNullAt(at + 8) ? 0.0 : row.getDouble(at + 8), row.getString(at + 9));
        }
        return List.of(partial).iterator();
    }

    /**
     * One key into {@code partial}: {@code key} its values, {@code group} the baseline's group values,
     * {@code baselineRows}/{@code candidateRows} how many rows the key has on each side (0: none), and, read only when
     * each side has exactly one row, the targets, the baseline's normalizer share and whether it is ignored, and each
     * side's loss and (when invalid, else null) the reason. A key on one side only, or duplicated, is counted and
     * never compared.
     */
    void pair(Partial partial, Object[] key, List<Object> group, long baselineRows, long candidateRows,
            Object baselineTarget, Object candidateTarget, double weight, boolean ignored, double baselineLoss,
            String baselineInvalid, double candidateLoss, String candidateInvalid) {
        boolean inBaseline = baselineRows > 0;
        boolean inCandidate = candidateRows > 0;
        if (!inBaseline || !inCandidate) {
            partial.count(inBaseline ? 0 : 1, key(key));
        }
        if (baselineRows > 1) {
            partial.count(2, key(key));
        }
        if (candidateRows > 1) {
            partial.count(3, key(key));
        }
        if (!inBaseline || !inCandidate || baselineRows > 1 || candidateRows > 1) {
            return;
        }
        String reason = baselineInvalid != null ? "baseline: " + baselineInvalid
                : candidateInvalid != null ? "candidate: " + candidateInvalid
                : sameTarget(baselineTarget, candidateTarget) ? null
                : scoredTokens ? "scored tokens differ: the two rows differ in length, mask, token weights or "
                + "targets" : "targets differ: baseline " + text(baselineTarget) + ", candidate "
                + text(candidateTarget);
        if (reason != null) {
            partial.count(5, key(key) + ": " + reason);
            return;
        }
        if (ignored) {
            partial.count(4, null);
            return;
        }
        long hash = bootstrap == null ? 0 : key.length > 0 ? PoissonBootstrap.hashKey(key(key))
                : PoissonBootstrap.hashKey(text(baselineTarget) + "|" + Double.doubleToLongBits(baselineLoss) + "|"
                + Double.doubleToLongBits(candidateLoss));
        partial.groups.computeIfAbsent(group, g -> new PairedComparison(bootstrap))
                .add(baselineLoss, candidateLoss, weight, hash);
    }

    private String key(Object[] key) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < keyNames.length; i++) {
            s.append(i == 0 ? "" : ", ").append(keyNames[i]).append('=').append(text(key[i]));
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
