package dev.xent.bench;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.core.SumExp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * xent's per-row kernel, one thread, in memory: one operation adds N float rows of C logits with class-index targets
 * to an exact {@link LossState} (PyTorch's default options), so elements/s = ops/s × N × C. {@code kernel} picks
 * the {@link SumExp}: {@code vector} (the default in a JVM with the module) or {@code scalar} (the fallback).
 *
 * <p>Data: N = elements / C rows of {@code 3 × N(0, 1)} floats and uniform targets from a fixed seed (the same
 * every run). A NaN or infinite sum would be a bug here: {@link #setUp} checks one pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelBenchmark {
    @Param({"1000", "32000", "128000", "256000"})
    public int classes;

    @Param({"vector", "scalar"})
    public String kernel;

    /** N × C: 4 M float logits (16 MB) per operation. */
    @Param({"4096000"})
    public int elements;

    private float[][] rows;
    private long[] targets;
    private CrossEntropy crossEntropy;
    private CrossEntropyOptions options;

    @Setup
    public void setUp() {
        PeakHeap.reset();
        int n = elements / classes;
        SplittableRandom random = new SplittableRandom(20240605L);
        rows = new float[n][classes];
        targets = new long[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                rows[i][c] = (float) (3.0 * random.nextGaussian());
            }
            targets[i] = random.nextInt(classes);
        }
        options = CrossEntropyOptions.defaults();
        SumExp arithmetic = kernel.equals("vector") ? SumExp.vector() : SumExp.scalar();
        crossEntropy = new CrossEntropy(options, classes, arithmetic);
        double sum = lossSum();
        if (!Double.isFinite(sum)) {
            throw new IllegalStateException("the benchmark data gave a non-finite loss sum: " + sum);
        }
    }

    /**
     * Appends {@code contender, C, peak heap bytes} to the file named by the system property
     * {@code xent.bench.memory} (when set), for {@link BenchTable}'s peak memory column.
     */
    @TearDown
    public void recordPeakHeap() throws IOException {
        String file = System.getProperty("xent.bench.memory");
        if (file != null) {
            Files.writeString(Path.of(file), "xent " + kernel + " (JMH)\t" + classes + "\t" + PeakHeap.bytes() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    @Benchmark
    public double lossSum() {
        LossState state = LossState.of(options, LossState.Targets.CLASS_INDEX);
        for (int i = 0; i < rows.length; i++) {
            crossEntropy.add(state, rows[i], targets[i]);
        }
        return state.sum();
    }
}
