package dev.xent.bench;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.ExactSum;
import dev.xent.core.LossState;
import dev.xent.core.NonFiniteValues;
import dev.xent.core.SumExp;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Where a short row's time goes in the evaluation's per-row work (issue 17's C = 10 goal), without Spark: one
 * thread, the same rows ({@code 3 × N(0, 1)} floats, uniform targets, fixed seed) through each part of
 * {@code LossAggregator.reduce} alone and through all of it, parts interleaved within each repetition; prints the
 * median nanoseconds per row of each part and its share of the whole ({@code CrossEntropy.add} into a state).
 * Parts overlap in the CPU, so shares need not add up to 100 %.
 *
 * <p>Usage: {@code TinyRowBench [classes] [repetitions]} (default 10 and 9).
 */
public final class TinyRowBench {
    private static final int ROWS = 1 << 16;
    private static final int PASSES = 20;
    private static final String[] PARTS = {"NonFiniteValues.any", "SumExp.max (best)", "SumExp.max (scalar)",
        "sumExpShiftedWithout (best)", "sumExpShiftedWithout (scalar)", "logSoftmaxAt (best)",
        "logSoftmaxAt (scalar)", "CrossEntropy.loss", "ExactSum.add x2", "CrossEntropy.add into a state"};

    private TinyRowBench() {
    }

    public static void main(String[] args) {
        int classes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Random random = new Random(17);
        float[][] x = new float[ROWS][classes];
        int[] y = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < classes; c++) {
                x[r][c] = (float) (3 * random.nextGaussian());
            }
            y[r] = random.nextInt(classes);
        }
        CrossEntropyOptions options = CrossEntropyOptions.builder().classes(classes).build();
        CrossEntropy kernel = new CrossEntropy(options, classes);
        SumExp best = SumExp.best();
        SumExp scalar = SumExp.scalar();
        double[][] ns = new double[PARTS.length][reps];
        double sink = 0;
        for (int rep = 0; rep < reps; rep++) {
            for (int p = 0; p < PARTS.length; p++) {
                LossState state = LossState.of(options, LossState.Targets.CLASS_INDEX);
                ExactSum a = new ExactSum();
                ExactSum b = new ExactSum();
                long start = System.nanoTime();
                for (int pass = 0; pass < PASSES; pass++) {
                    for (int r = 0; r < ROWS; r++) {
                        float[] row = x[r];
                        switch (p) {
                            case 0 -> sink += NonFiniteValues.any(row) ? 1 : 0;
                            case 1 -> sink += best.max(row);
                            case 2 -> sink += scalar.max(row);
                            case 3 -> sink += best.sumExpShiftedWithout(row, 2.5, y[r]);
                            case 4 -> sink += scalar.sumExpShiftedWithout(row, 2.5, y[r]);
                            case 5 -> sink += best.logSoftmaxAt(row, y[r]);
                            case 6 -> sink += scalar.logSoftmaxAt(row, y[r]);
                            case 7 -> sink += kernel.loss(row, y[r]);
                            case 8 -> {
                                a.add(row[0]);
                                b.add(1.0);
                            }
                            default -> sink += kernel.add(state, row, y[r]);
                        }
                    }
                }
                ns[p][rep] = (System.nanoTime() - start) / ((double) PASSES * ROWS);
                sink += a.value() + b.value() + state.sum();
            }
        }
        double whole = BenchTable.median(ns[PARTS.length - 1]);
        System.out.printf(Locale.ROOT, "C = %d, %s, %d rows x %d passes, median of %d (checksum %.6g)%n", classes,
                best.name(), ROWS, PASSES, reps, sink);
        for (int p = 0; p < PARTS.length; p++) {
            double median = BenchTable.median(ns[p]);
            System.out.printf(Locale.ROOT, "%-32s %8.1f ns/row %6.0f %%%n", PARTS[p], median, 100 * median / whole);
        }
    }
}
