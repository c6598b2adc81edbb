package dev.xent.bench;

import dev.xent.core.SumExp;
import java.util.SplittableRandom;
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
 * The bound of any double-precision kernel built on the JDK's vector {@code EXP}: one thread, the same rows as
 * {@link KernelBenchmark}, and only {@code sum_c exp(x_c)} per row (the widening and the exponentials, no maximum,
 * no logarithm, no state). xent's whole kernel cannot beat this figure; the table shows how close it comes.
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
    @Param({"EXP-only bound"})
    public String kernel;

    @Param({"4096000"})
    public int elements;

    private float[][] rows;
    private SumExp vector;

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
        for (float[] row : rows) {
            s += vector.sumExpShifted(row, 0.0);
        }
        return s;
    }
}
