package dev.xent.bench;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.core.SumExp;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Issue 19's goal measured on a loaded machine: xent's vector kernel beside the JDK-EXP bound, one thread, by the
 * thread's CPU time rather than wall time, the contenders taking turns (one pass each per round, after warm-up
 * rounds), so a neighbour's load slows none of them more than another. The same rows as {@link KernelBenchmark}
 * (N = 4,096,000 / C float rows of {@code 3 × N(0, 1)}, fixed seed) and the same three contenders as
 * {@link KernelBenchmark} and {@link ExpBoundBenchmark}: the JDK-EXP bound ({@code sum_c exp(x_c)} on the Vector
 * API's {@code EXP} lanes), xent's exp bound ({@link SumExp#sumExpShifted} alone) and xent's kernel (a class-index
 * row added to an exact {@link LossState}, PyTorch's default options); and, to show where the kernel's time goes
 * outside the exp, the kernel's maximum pass alone ({@link SumExp#max}).
 *
 * <p>Prints one line per C and contender: the median elements per CPU second over the rounds and its ratio to the
 * JDK-EXP bound. Usage: {@code KernelCpuBench rounds C...}.
 */
public final class KernelCpuBench {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final String[] CONTENDERS = {"JDK EXP bound", "xent exp bound", "xent vector kernel",
        "xent max pass"};
    private static final int WARM_UP_ROUNDS = 5;
    private static double sink;

    private KernelCpuBench() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: KernelCpuBench rounds C...");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        System.out.println("contender\tC\telements per CPU second (median)\tratio to the JDK EXP bound");
        for (int a = 1; a < args.length; a++) {
            run(Integer.parseInt(args[a]), rounds);
        }
        if (sink == 42.0) {
            System.out.println();
        }
    }

    private static void run(int classes, int rounds) {
        int n = 4_096_000 / classes;
        SplittableRandom random = new SplittableRandom(20240605L);
        float[][] rows = new float[n][classes];
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                rows[i][c] = (float) (3.0 * random.nextGaussian());
            }
            targets[i] = random.nextInt(classes);
        }
        CrossEntropyOptions options = CrossEntropyOptions.defaults();
        CrossEntropy kernel = new CrossEntropy(options, classes, SumExp.vector());
        SumExp vector = SumExp.vector();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[][] seconds = new double[CONTENDERS.length][rounds];
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
            for (int k = 0; k < CONTENDERS.length; k++) {
                long start = cpu.getCurrentThreadCpuTime();
                sink += k == 0 ? jdkBound(rows) : k == 1 ? xentBound(vector, rows) : k == 2 ? lossSum(kernel, options,
                        rows, targets) : maxPass(vector, rows);
                long end = cpu.getCurrentThreadCpuTime();
                if (round >= 0) {
                    seconds[k][round] = (end - start) / 1e9;
                }
            }
        }
        double bound = (double) n * classes / median(seconds[0]);
        for (int k = 0; k < CONTENDERS.length; k++) {
            double rate = (double) n * classes / median(seconds[k]);
            System.out.printf("%s\t%d\t%.3e\t%.3f%n", CONTENDERS[k], classes, rate, rate / bound);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double lossSum(CrossEntropy kernel, CrossEntropyOptions options, float[][] rows, long[] targets) {
        LossState state = LossState.of(options, LossState.Targets.CLASS_INDEX);
        for (int i = 0; i < rows.length; i++) {
            kernel.add(state, rows[i], targets[i]);
        }
        return state.sum();
    }

    /** The kernel's first pass alone ({@link SumExp#max}, which pulls each row from memory): its share of the kernel. */
    private static double maxPass(SumExp vector, float[][] rows) {
        double s = 0.0;
        for (float[] row : rows) {
            s += vector.max(row);
        }
        return s;
    }

    private static double xentBound(SumExp vector, float[][] rows) {
        double s = 0.0;
        for (float[] row : rows) {
            s += vector.sumExpShifted(row, 0.0);
        }
        return s;
    }

    /** As {@link ExpBoundBenchmark}'s JDK EXP bound. */
    private static double jdkBound(float[][] rows) {
        double s = 0.0;
        int l = D.length();
        for (float[] x : rows) {
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = a0;
            for (int i = 0; i <= x.length - 2 * l; i += 2 * l) {
                a0 = a0.add(widen(x, i).lanewise(VectorOperators.EXP));
                a1 = a1.add(widen(x, i + l).lanewise(VectorOperators.EXP));
            }
            s += a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        return s;
    }

    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
    }
}
