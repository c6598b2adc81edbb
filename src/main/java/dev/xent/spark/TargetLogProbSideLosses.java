package dev.xent.spark;

import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import dev.xent.core.TargetLogProbs;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * {@link SideLosses} for target-log-probs rows ({@link TargetLogProbs}): each input row (Spark's internal form: the
 * kept columns, then per model the six columns of {@link TargetLogProbColumns#canonical()}) gives the kept values,
 * then in {@link SideLosses}' layout: which tokens it scores ({@link TargetLogProbs#scoredTokens}, the value both
 * sides must agree on, as targets for logits; null when no model's row is valid), the sum of the scored tokens'
 * weights, whether no token is scored (the document is then ignored), and per model the document's loss (the exact,
 * correctly rounded sum of {@code -w·logp} over its scored tokens) or, when its row is invalid, the reason. The
 * document is the unit: the paired ratio of sums is the token-level mean, and the standard error and bootstrap
 * resample documents. No log-probability leaves it.
 */
final class TargetLogProbSideLosses implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    private final DataType[] keptTypes;
    private final TargetLogProbs rule;
    private final TargetLogProbColumns[] models;

    TargetLogProbSideLosses(DataType[] keptTypes, TargetLogProbs rule, TargetLogProbColumns[] models) {
        this.keptTypes = keptTypes.clone();
        this.rule = rule;
        this.models = models.clone();
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        KeptColumns kept = new KeptColumns(keptTypes);
        int k = keptTypes.length;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                InternalRow row = rows.next();
                Object[] fields = new Object[k + 3 + 2 * models.length];
                kept.copyInto(row, fields);
                fields[k + 1] = 0.0;
                fields[k + 2] = false;
                for (int m = 0; m < models.length; m++) {
                    try {
                        TokenRow r = TokenRow.read(row, k + 6 * m, models[m]);
                        LossState own = rule.state(r.logp, r.mask, r.weights, r.targets);
                        fields[k + 3 + 2 * m] = own.sum();
                        if (fields[k] == null) {
                            fields[k] = rule.scoredTokens(r.logp.length, r.mask, r.weights, r.targets);
                            fields[k + 1] = own.weightSum();
                            fields[k + 2] = own.scored() == 0;
                        }
                    } catch (InvalidRowException e) {
                        fields[k + 4 + 2 * m] = e.getMessage();
                    }
                }
                return RowFactory.create(fields);
            }
        };
    }
}
