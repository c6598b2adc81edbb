package dev.xent.core;

/**
 * Run as its own JVM by {@link SumExpTest} (without {@code --add-modules jdk.incubator.vector}): prints the kernel
 * {@link SumExp#best()} chose and the loss of a fixed row on it.
 */
public final class SumExpProbe {
    private SumExpProbe() {
    }

    /** The loss of a fixed 1,003-class float row (long enough for the vector loops and a scalar tail). */
    static double loss(SumExp arithmetic) {
        float[] row = new float[1003];
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) Math.sin(i * 0.37) * 4;
        }
        row[11] = Float.NEGATIVE_INFINITY;
        return new CrossEntropy(CrossEntropyOptions.defaults(), row.length, arithmetic).loss(row, 500);
    }

    public static void main(String[] args) {
        SumExp best = SumExp.best();
        System.out.println(best.name() + " " + loss(best));
    }
}
