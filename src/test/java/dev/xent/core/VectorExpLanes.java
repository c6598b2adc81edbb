package dev.xent.core;

import jdk.incubator.vector.DoubleVector;

/** {@code VectorExp} over an array of a multiple of four values, for tests (loaded only where the module is). */
final class VectorExpLanes {
    private VectorExpLanes() {
    }

    static double[] exp(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i += 4) {
            VectorExp.exp(DoubleVector.fromArray(DoubleVector.SPECIES_256, x, i)).intoArray(out, i);
        }
        return out;
    }
}
