package dev.gemgate.emulator;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic embeddings: the vector for a text is a unit vector of Gaussian components drawn from a
 * {@link SplittableRandom} seeded by a 64-bit FNV-1a hash of the text's UTF-8 bytes. The first {@code d}
 * components do not depend on the requested dimension, so a shorter vector is the longer one's prefix,
 * re-normalised to length 1. Same text, same vector, in any process.
 */
public final class EmulatorEmbeddings {

    private EmulatorEmbeddings() {
    }

    /** The unit vector of {@code dimensions} components for {@code text}. */
    public static float[] embed(String text, int dimensions) {
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
        }
        SplittableRandom random = new SplittableRandom(fnv1a64(text == null ? "" : text));
        double[] raw = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            raw[i] = gaussian(random);
            norm += raw[i] * raw[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            out[i] = (float) (raw[i] / norm);
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; 1 - nextDouble() is in (0, 1]
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    static long fnv1a64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= (b & 0xff);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
