package org.layerbraid.tools;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs for {@link LoaderFuzzTest}: a seed file changed by one to eight mutations (as coverage-blind fuzzers such
 * as radamsa and AFL's havoc stage do), or now and then bytes at random. Deterministic for a given random source.
 */
final class Mutator {
    /** Values that break parsers: limits of signed and unsigned integers, NUL, high bits. */
    private static final int[] INTERESTING = {0, 1, 0x7f, 0x80, 0xff, -1, 0x7fffffff, 0x80000000, 0xffff, 16, 64};
    private static final int MAX_LENGTH = 1 << 16;

    private Mutator() {
    }

    static byte[] next(SplittableRandom random, List<byte[]> seeds, byte[] dictionary) {
        if (random.nextInt(20) == 0) {
            byte[] noise = new byte[random.nextInt(random.nextBoolean() ? 16 : 4096)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
        for (int k = 1 + random.nextInt(random.nextBoolean() ? 2 : 8); k > 0; k--) {
            b = mutate(random, b, seeds, dictionary);
        }
        return b;
    }

    private static byte[] mutate(SplittableRandom random, byte[] b, List<byte[]> seeds, byte[] dictionary) {
        if (b.length == 0) {
            return new byte[] {dictionary[random.nextInt(dictionary.length)]};
        }
        int at = random.nextInt(b.length);
        switch (random.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = (byte) random.nextInt(256);
            case 2 -> {
                // a 32-bit interesting value, big- or little-endian (IDX headers are big-endian, safetensors' little)
                int v = INTERESTING[random.nextInt(INTERESTING.length)];
                boolean big = random.nextBoolean();
                for (int i = 0; i < 4 && at + i < b.length; i++) {
                    b[at + i] = (byte) (big ? v >>> (24 - 8 * i) : v >>> (8 * i));
                }
            }
            case 3 -> {
                return Arrays.copyOf(b, at); // cut
            }
            case 4 -> {
                int len = Math.min(b.length - at, 1 + random.nextInt(64));
                return splice(b, at + len, b, at, len); // duplicate a chunk
            }
            case 5 -> {
                int len = Math.min(b.length - at, 1 + random.nextInt(64));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return out; // delete a chunk
            }
            case 6 -> {
                byte[] token = {dictionary[random.nextInt(dictionary.length)]};
                return splice(b, at, token, 0, 1); // insert a delimiter or digit
            }
            case 7 -> {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int from = random.nextInt(other.length);
                return splice(b, at, other, from, Math.min(other.length - from, 1 + random.nextInt(256)));
            }
            default -> {
                int len = Math.min(b.length - at, 1 + random.nextInt(16));
                byte fill = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                Arrays.fill(b, at, at + len, fill);
            }
        }
        return b;
    }

    /** b with {@code len} bytes of {@code from} (at {@code start}) inserted at {@code at}, capped in length. */
    private static byte[] splice(byte[] b, int at, byte[] from, int start, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + len);
        out.write(b, 0, at);
        out.write(from, start, len);
        out.write(b, at, b.length - at);
        byte[] r = out.toByteArray();
        return r.length > MAX_LENGTH ? Arrays.copyOf(r, MAX_LENGTH) : r;
    }
}
