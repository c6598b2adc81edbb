package dev.xent.spark;

import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import dev.xent.core.TargetLogProbs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * The scan of one partition of a target-log-probs input: each row (Spark's internal form: the group-by keys, then
 * {@link TargetLogProbColumns#canonical()}) goes through the core's rule ({@link TargetLogProbs}) into the state of
 * its group. Emits, like {@link PartitionScan}, one row per group seen: the key values, the state's bytes and the
 * rows read. An invalid row fails the task, or is counted as rejected under a quarantine {@link RowPolicy}.
 */
final class TargetLogProbScan implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    /** The reason given to rows rejected for a scored log-probability of {@code -inf}. */
    static final String NON_FINITE = "a scored token's log-probability is -inf";

    private final TargetLogProbs rule;
    private final TargetLogProbColumns columns;
    private final RowPolicy policy;
    private final byte[] emptyState;
    private final DataType[] keyTypes;

    TargetLogProbScan(TargetLogProbs rule, TargetLogProbColumns columns, RowPolicy policy, LossState empty,
            DataType[] keyTypes) {
        this.rule = rule;
        this.columns = columns;
        this.policy = policy;
        this.emptyState = empty.toBytes();
        this.keyTypes = keyTypes.clone();
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        KeptColumns keys = new KeptColumns(keyTypes);
        Map<List<Object>, LossState> states = new LinkedHashMap<>();
        Map<List<Object>, long[]> counts = new LinkedHashMap<>();
        long[] rejected = {0};
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            List<Object> key = keys.values(row);
            LossState state = states.computeIfAbsent(key, x -> LossState.fromBytes(emptyState));
            counts.computeIfAbsent(key, x -> new long[1])[0]++;
            if (!add(state, row)) {
                state.addRejected();
                rejected[0]++;
                if (policy.maxRejected() >= 0 && rejected[0] > policy.maxRejected()) {
                    throw new TooManyRejectedException("more than " + policy.maxRejected() + " rows rejected (at "
                            + "least " + rejected[0] + " in one task)");
                }
            }
        }
        List<Row> out = new ArrayList<>(states.size());
        states.forEach((key, state) -> {
            Object[] fields = new Object[keyTypes.length + 2];
            for (int k = 0; k < keyTypes.length; k++) {
                fields[k] = key.get(k);
            }
            fields[keyTypes.length] = state.toBytes();
            fields[keyTypes.length + 1] = counts.get(key)[0];
            out.add(RowFactory.create(fields));
        });
        return out.iterator();
    }

    /** Adds one row; false when the policy rejects it (nothing of it added). */
    private boolean add(LossState state, InternalRow row) {
        try {
            TokenRow r = TokenRow.read(row, keyTypes.length, columns);
            if (policy.rejectNonFinite() && rule.check(r.logp, r.mask, r.weights, r.targets)) {
                state.addNonFiniteInput();
                return false;
            }
            rule.add(state, r.logp, r.mask, r.weights, r.targets, r.bytes, r.words);
            return true;
        } catch (InvalidRowException e) {
            if (!policy.rejectInvalid()) {
                throw e;
            }
            return false;
        }
    }

    /** Why the policy rejects this row (the same decision as the scan's), or null when it is scored. */
    static String problem(TargetLogProbs rule, RowPolicy policy, TokenRowSource source) {
        try {
            TokenRow r = source.read();
            boolean nonFinite = rule.check(r.logp, r.mask, r.weights, r.targets);
            return nonFinite && policy.rejectNonFinite() ? NON_FINITE : null;
        } catch (InvalidRowException e) {
            return e.detail();
        }
    }

    /** Reads a row, or throws the error that makes it invalid. */
    interface TokenRowSource {
        TokenRow read();
    }
}
