package dev.xent.bench;

import dev.xent.core.SumExp;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bound of a double-precision kernel built on an exponential: one thread, the same rows as
 * {@link KernelBenchmark}, and only {@code sum_c exp(x_c)} per row (the widening and the exponentials, no maximum,
 * no logarithm, no state). {@code kernel}: {@code JDK EXP bound}, the Vector API's {@code EXP} lanes (SVML on
 * x86-64) at the preferred width with two accumulators, as xent's kernel was before it had its own exp; or
 * {@code xent exp bound}, xent's vector kernel's {@link SumExp#sumExpShifted} (its own exp, eight lanes). A kernel
 * on the JDK's EXP cannot beat the first figure; xent's whole kernel is compared with it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ExpBoundBenchmark {
    @Param({"1000", "32000"})
    public int classes;

    /** The table's contender name: "xent " + kernel + " (JMH)". */
    @Param({"JDK EXP bound", "xent exp bound"})
    public String kernel;

    @Param({"4096000"})
    public int elements;

    private float[][] rows;
    private SumExp vector;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));

    @Setup
    public void setUp() {
        int n = elements / classes;
        SplittableRandom random = new SplittableRandom(20240605L);
        rows = new float[n][classes];
        for (float[] row : rows) {
            for (int c = 0; c < classes; c++) {
                row[c] = (float) (3.0 * random.nextGaussian());
            }
        }
        vector = SumExp.vector();
    }

    @Benchmark
    public double sumOfExponentials() {
        double s = 0.0;
        if (kernel.startsWith("JDK")) {
            for (float[] row : rows) {
                s += jdkSumExp(row);
            }
        } else {
            for (float[] row : rows) {
                s += vector.sumExpShifted(row, 0.0);
            }
        }
        return s;
    }

    /** {@code sum_c exp(x_c)} on the JDK's {@code EXP} lanes, without the last {@code C mod 2L} values (none with AVX2). */
    private static double jdkSumExp(float[] x) {
        int l = D.length();
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (int i = 0; i <= x.length - 2 * l; i += 2 * l) {
            a0 = a0.add(widen(x, i).lanewise(VectorOperators.EXP));
            a1 = a1.add(widen(x, i + l).lanewise(VectorOperators.EXP));
        }
        return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
    }
}
