package dev.xent.core.golden;

/** The generator of {@code generate_golden.py}, bit for bit: SplitMix64 and a 53-bit uniform double. */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long next() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A double in [0, 1): the top 53 bits times 2^-53. */
    double uniform() {
        return (double) (next() >>> 11) * 0x1.0p-53;
    }
}
