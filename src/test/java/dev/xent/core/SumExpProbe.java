package dev.xent.core;

/**
 * Run as its own JVM by {@link SumExpTest}: prints the kernel {@link SumExp#best()} chose and the loss of a fixed
 * row on it, or with the argument {@code short}, the losses of fixed rows of 1 to 15 classes.
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

    /** A hash of the losses' bits of 600 fixed float rows of 1 to 15 classes (short rows). */
    static long shortRowLosses(SumExp arithmetic) {
        long hash = 0;
        for (int k = 0; k < 600; k++) {
            int c = 1 + k % 15;
            float[] row = new float[c];
            for (int i = 0; i < c; i++) {
                row[i] = (float) (Math.cos(i * 1.7 + k) * (1 + k % 7));
            }
            hash = hash * 31 + Double.doubleToRawLongBits(
                    new CrossEntropy(CrossEntropyOptions.defaults(), c, arithmetic).loss(row, k % c));
        }
        return hash;
    }

    public static void main(String[] args) {
        SumExp best = SumExp.best();
        String figure = args.length > 0 && args[0].equals("short") ? String.valueOf(shortRowLosses(best))
                : String.valueOf(loss(best));
        System.out.println(best.name() + " " + figure);
    }
}
