package dev.xent.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * One partition of both sides' scored rows, hash-partitioned by key and sorted by key then side, into one
 * {@link PairedScan.Partial}: each run of rows with the same key is one key of {@link PairedScan#pair}, with its
 * row count on each side and each side's first row. A key with a null value matches nothing: its baseline rows and
 * its candidate rows are two keys, each on one side only. Holds one run's first row per side, whatever the
 * partition's size.
 *
 * <p>Row layout ({@link Comparison}): the key columns, the side ({@code 0} baseline, {@code 1} candidate), the group
 * columns (the baseline's; null on the candidate's rows), the baseline's and the candidate's target (each null on
 * the other side's rows), then the side's normalizer share, whether it is ignored, its loss and the reason it is
 * invalid.
 */
final class KeyRunScan implements FlatMapFunction<Iterator<Row>, PairedScan.Partial> {
    private static final long serialVersionUID = 1L;

    private final int keys;
    private final int groups;
    private final PairedScan pairs;

    KeyRunScan(int keys, int groups, PairedScan pairs) {
        this.keys = keys;
        this.groups = groups;
        this.pairs = pairs;
    }

    @Override
    public Iterator<PairedScan.Partial> call(Iterator<Row> rows) {
        PairedScan.Partial partial = new PairedScan.Partial();
        Object[] key = null;
        Row[] first = new Row[2];
        long[] count = new long[2];
        while (rows.hasNext()) {
            Row row = rows.next();
            int side = row.getInt(keys);
            Object[] rowKey = new Object[keys];
            boolean anyNull = false;
            for (int i = 0; i < keys; i++) {
                rowKey[i] = row.get(i);
                anyNull |= rowKey[i] == null;
            }
            // Rows come by key, then side: a new key, or (for a key that matches nothing) the candidate's rows after
            // the baseline's, ends the run.
            if (key != null && !(sameKey(key, rowKey) && !(anyNull && side == 1 && count[0] > 0))) {
                emit(partial, key, first, count);
            }
            if (count[0] + count[1] == 0) {
                key = rowKey;
            }
            if (count[side]++ == 0) {
                first[side] = row;
            }
        }
        if (key != null) {
            emit(partial, key, first, count);
        }
        return List.of(partial).iterator();
    }

    private void emit(PairedScan.Partial partial, Object[] key, Row[] first, long[] count) {
        Row b = first[0];
        Row c = first[1];
        int at = keys + 1 + groups;
        List<Object> group = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            group.add(b == null ? null : b.get(keys + 1 + g));
        }
        boolean paired = count[0] == 1 && count[1] == 1;
        pairs.pair(partial, key, group, count[0], count[1], paired ? b.get(at) : null, paired ? c.get(at + 1) : null,
                paired ? b.getDouble(at + 2) : 0.0, paired && b.getBoolean(at + 3),
                paired && !b.isNullAt(at + 4) ? b.getDouble(at + 4) : 0.0, paired ? b.getString(at + 5) : null,
                paired && !c.isNullAt(at + 4) ? c.getDouble(at + 4) : 0.0, paired ? c.getString(at + 5) : null);
        first[0] = null;
        first[1] = null;
        count[0] = 0;
        count[1] = 0;
    }

    private static boolean sameKey(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) {
            boolean same = a[i] instanceof byte[] && b[i] instanceof byte[] ? Arrays.equals((byte[]) a[i], (byte[]) b[i])
                    : Objects.equals(a[i], b[i]);
            if (!same) {
                return false;
            }
        }
        return true;
    }
}
