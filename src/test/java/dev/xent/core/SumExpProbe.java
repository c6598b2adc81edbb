package dev.xent.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run as its own JVM by {@link KernelBitsTest} and {@link SumExpTest}: prints a kernel's name and, per class count C,
 * a hash of the bits of the per-row losses of fixed rows, so JVMs in different states (interpreted, C2-compiled,
 * other vector widths, scalar) can be compared bit for bit.
 *
 * <p>Arguments: {@code best} ({@link SumExp#best()}), {@code vector} (the vector kernel even where {@code best} would
 * not choose it, e.g. with 128-bit vectors) or {@code scalar}; then {@code warm} to run the kernel on 20,000 short rows
 * first, so the JIT compiles it.
 */
public final class SumExpProbe {
    /** The class counts compared, short rows (1 to 15, one group) included. */
    static final int[] CLASSES = {15, 16, 17, 1000, 32000, 128000};

    private SumExpProbe() {
    }

    /** Rows of each C (fewer for large C: an interpreted JVM runs the Vector API's Java fallback, slowly). */
    private static int rowsOf(int classes) {
        return classes <= 17 ? 60 : classes <= 1000 ? 4 : 1;
    }

    /**
     * Per C, a hash of the loss bits of fixed rows: plain class-index rows (float and double), label smoothing with
     * class weights (the weighted sums), and probability targets (the dot products), the last three for C up to 1,000;
     * {@code -inf} masks included. For C = 15, rows of 1 to 15 classes.
     */
    static Map<Integer, Long> lossHashes(SumExp kernel) {
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (int classes : CLASSES) {
            long hash = 0;
            for (int k = 0; k < rowsOf(classes); k++) {
                int c = classes == 15 ? 1 + k % 15 : classes;
                float[] f = new float[c];
                double[] d = new double[c];
                double[] probabilities = new double[c];
                double[] weight = new double[c];
                for (int i = 0; i < c; i++) {
                    f[i] = (float) (Math.sin(i * 0.37 + k) * (1 + k % 7) * 3);
                    d[i] = f[i] + Math.cos(i * 1.3) * 1e-3;
                    probabilities[i] = 1.0 / c;
                    weight[i] = 0.5 + (i % 5) * 0.25;
                }
                if (c > 3) {
                    f[c / 3] = Float.NEGATIVE_INFINITY;
                }
                long target = k % c;
                hash = mix(hash, new CrossEntropy(CrossEntropyOptions.defaults(), c, kernel).loss(f, target));
                if (c > 1000) {
                    continue; // one loss for the long rows: an interpreted JVM takes seconds per row
                }
                hash = mix(hash, new CrossEntropy(CrossEntropyOptions.defaults(), c, kernel).loss(d, target));
                CrossEntropyOptions smoothed = CrossEntropyOptions.builder().weight(weight).labelSmoothing(0.1).build();
                hash = mix(hash, new CrossEntropy(smoothed, c, kernel).loss(d, target));
                hash = mix(hash, new CrossEntropy(CrossEntropyOptions.defaults(), c, kernel).loss(d, probabilities));
            }
            out.put(classes, hash);
        }
        return out;
    }

    private static long mix(long hash, double loss) {
        return hash * 1_000_003L + Double.doubleToRawLongBits(loss);
    }

    /** The probe's output line for {@code kernel}: its name, then {@code C=hash} per C. */
    static String line(SumExp kernel) {
        StringBuilder s = new StringBuilder(kernel.name());
        lossHashes(kernel).forEach((c, h) -> s.append(' ').append(c).append('=').append(Long.toHexString(h)));
        return s.toString();
    }

    public static void main(String[] args) {
        SumExp kernel = args[0].equals("vector") ? new VectorSumExp()
                : args[0].equals("scalar") ? SumExp.scalar() : SumExp.best();
        if (args.length > 1 && args[1].equals("warm")) {
            float[] f = new float[67];
            double[] d = new double[67];
            double[] weight = new double[67];
            java.util.Arrays.fill(weight, 1.0);
            CrossEntropy plain = new CrossEntropy(CrossEntropyOptions.defaults(), 67, kernel);
            CrossEntropy smoothed = new CrossEntropy(CrossEntropyOptions.builder().weight(weight).labelSmoothing(0.1)
                    .build(), 67, kernel);
            for (int i = 0; i < 20_000; i++) { // often enough for the JIT to compile every kernel method
                f[i % 67] = i % 13;
                d[i % 67] = i % 11;
                plain.loss(f, i % 67);
                smoothed.loss(d, i % 67);
            }
        }
        System.out.println(line(kernel));
    }
}
