package org.layerbraid.vecmath;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 convolutions, hand-vectorised with {@code jdk.incubator.vector} over the batch columns.
 * <p>
 * Design:
 * <ul>
 * <li>The batch is walked one vector of L columns at a time. The tile is first staged into a heap image
 * {@code [channel][y + p][x + p][lane]} with a zero border of p = (k − 1)/2 pixels (and zero lanes past the last
 * column of a partial tile): every tap of every pixel then reads memory, the padding is the zero border, and
 * the hot loop has no bounds tests, no image tails and no vector tails. Every column runs through the same
 * arithmetic wherever it falls, so results do not depend on how the batch is split.</li>
 * <li>The tap loop is a register block of {@link #R} output channels × {@link #P} neighbouring pixels
 * (16 accumulators): per tap, P vector loads and R broadcasts feed R·P fused multiply-adds, so the step is
 * bound by the FMA units, not by loads. A tap is one offset into the staged image, taken from a table, so any
 * k and channel count run the same loop. Image rows are computed P pixels at a time up to a multiple of P;
 * the extra pixels read zeros or neighbouring data and are never stored.</li>
 * <li>The transposed convolution (the adjoint) is the same loop with the kernel flipped in both directions and
 * its channel roles swapped when it is packed; the kernel gradient swaps roles the other way: R output
 * channels × P taps of accumulators, summed over the pixels.</li>
 * <li>Bias, activation and the residual update work on one output row of accumulators at a time through
 * {@link PanamaKernelsF64}'s elementwise functions; nothing is allocated per call after warm-up.</li>
 * </ul>
 */
final class PanamaConvKernelsF64 implements ConvKernelsF64 {
    static final PanamaConvKernelsF64 INSTANCE = new PanamaConvKernelsF64();

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output channels per register block. */
    private static final int R = 4;
    /** Pixels per register block (taps per block in the kernel gradient). */
    private static final int P = 4;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanamaConvKernelsF64() {
    }

    /** Per-thread work arrays, grown on demand and then reused. */
    private static final class Scratch {
        double[] image = new double[0];
        double[] second = new double[0];
        double[] weights = new double[0];
        double[] row = new double[0];
        double[] rowTmp = new double[0];
        double[] sums = new double[0];
        double[] bias = new double[0];
        int[] taps = new int[0];

        /** A zeroed array of at least n elements. */
        static double[] zeroed(double[] a, int n) {
            double[] r = a.length < n ? new double[n] : a;
            Arrays.fill(r, 0, n, 0);
            return r;
        }

        static double[] grown(double[] a, int n) {
            return a.length < n ? new double[n] : a;
        }
    }

    /**
     * The staged geometry of one shape: image rows padded to a multiple of P pixels, plus the zero border.
     * Computed into ints on every call (no object), so the methods below take them as arguments.
     */
    private static int rowPixels(ConvShape s) {
        return (s.width() + P - 1) / P * P;
    }

    private static int paddedWidth(ConvShape s) {
        return rowPixels(s) + 2 * s.padding();
    }

    private static int paddedHeight(ConvShape s) {
        return s.height() + 2 * s.padding();
    }

    /** Elements of a staged image of {@code channels} maps. */
    private static int imageSize(ConvShape s, int channels) {
        return channels * paddedHeight(s) * paddedWidth(s) * L;
    }

    private static int blocks(int channels) {
        return (channels + R - 1) / R;
    }

    /**
     * A staged image of {@code channels} maps with a zero border (the interior is left as it is: every tile
     * overwrites it). Only the border is cleared, so a call on a narrow column range costs no more than its tiles.
     */
    private static double[] bordered(Scratch sc, ConvShape s, int channels) {
        int hgt = s.height(), wid = s.width(), p = s.padding(), wp = paddedWidth(s), hp = paddedHeight(s);
        double[] image = Scratch.grown(sc.image, imageSize(s, channels));
        sc.image = image;
        for (int ch = 0; ch < channels; ch++) {
            int map = ch * hp * wp * L;
            Arrays.fill(image, map, map + p * wp * L, 0);
            Arrays.fill(image, map + (p + hgt) * wp * L, map + hp * wp * L, 0);
            for (int y = p; y < p + hgt; y++) {
                int row = map + y * wp * L;
                Arrays.fill(image, row, row + p * L, 0);
                Arrays.fill(image, row + (p + wid) * L, row + wp * L, 0);
            }
        }
        return image;
    }

    /** Copies columns [c, c + count) of a state of {@code channels} maps into the interior of the staged image. */
    private static void stage(ConvShape s, Matrix state, int channels, int c, int count, double[] image) {
        int hgt = s.height(), wid = s.width(), p = s.padding(), wp = paddedWidth(s), hp = paddedHeight(s);
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < hgt; y++) {
                int row = (ch * hgt + y) * wid;
                int at = ((ch * hp + y + p) * wp + p) * L;
                for (int x = 0; x < wid; x++) {
                    PanamaKernelsF64.loadRow(state, row + x, c, count, image, at + x * L, L);
                }
            }
        }
    }

    /**
     * The offset of every tap from its pixel in the staged image of {@code channels} input maps, tap
     * {@code (ci·k + dy)·k + dx}; {@code padTo} rounds the table up with offset 0 (used by the kernel gradient).
     */
    private static int[] tapOffsets(Scratch sc, ConvShape s, int channels, int padTo) {
        int k = s.kernelSize(), wp = paddedWidth(s), hp = paddedHeight(s);
        int taps = channels * k * k;
        int padded = (taps + padTo - 1) / padTo * padTo;
        if (sc.taps.length < padded) {
            sc.taps = new int[padded];
        }
        int[] off = sc.taps;
        for (int ci = 0; ci < channels; ci++) {
            for (int dy = 0; dy < k; dy++) {
                for (int dx = 0; dx < k; dx++) {
                    off[(ci * k + dy) * k + dx] = ((ci * hp + dy) * wp + dx) * L;
                }
            }
        }
        Arrays.fill(off, taps, padded, 0);
        return off;
    }

    /**
     * Packs the kernel in blocks of R output channels, tap-major: {@code w[(b·taps + t)·R + r]} is the weight
     * of output channel b·R + r (zero past the last) at tap t. Transposed, the roles of the channels swap and
     * the kernel is flipped: the weight of "output" ci at "tap" (co, dy, dx) is K[co][ci, k−1−dy, k−1−dx].
     */
    private static double[] pack(Scratch sc, ConvShape s, Matrix kernel, boolean transposed) {
        int k = s.kernelSize(), kk = k * k;
        int outs = transposed ? s.inChannels() : s.outChannels();
        int ins = transposed ? s.outChannels() : s.inChannels();
        int taps = ins * kk;
        double[] w = Scratch.zeroed(sc.weights, blocks(outs) * taps * R);
        sc.weights = w;
        for (int o = 0; o < outs; o++) {
            int base = o / R * taps * R + o % R;
            for (int i = 0; i < ins; i++) {
                for (int t = 0; t < kk; t++) {
                    double v = transposed
                            ? ScalarKernelsF64.get(kernel, i, o * kk + kk - 1 - t)
                            : ScalarKernelsF64.get(kernel, o, i * kk + t);
                    w[base + (i * kk + t) * R] = v;
                }
            }
        }
        return w;
    }

    /**
     * One output image row y of the convolution of the staged image: {@code row[(o·rowPixels + x)·L + lane]} for
     * every output map o < blocks·R and x < rowPixels, the register-blocked tap loop.
     */
    private static void correlateRow(double[] image, int[] tapOff, int taps, double[] w, int outBlocks, int y,
            int paddedWidth, int rowPixels, double[] row) {
        for (int x0 = 0; x0 < rowPixels; x0 += P) {
            int base = (y * paddedWidth + x0) * L;
            for (int b = 0; b < outBlocks; b++) {
                DoubleVector a00 = DoubleVector.zero(S), a01 = DoubleVector.zero(S);
                DoubleVector a02 = DoubleVector.zero(S), a03 = DoubleVector.zero(S);
                DoubleVector a10 = DoubleVector.zero(S), a11 = DoubleVector.zero(S);
                DoubleVector a12 = DoubleVector.zero(S), a13 = DoubleVector.zero(S);
                DoubleVector a20 = DoubleVector.zero(S), a21 = DoubleVector.zero(S);
                DoubleVector a22 = DoubleVector.zero(S), a23 = DoubleVector.zero(S);
                DoubleVector a30 = DoubleVector.zero(S), a31 = DoubleVector.zero(S);
                DoubleVector a32 = DoubleVector.zero(S), a33 = DoubleVector.zero(S);
                int wb = b * taps * R;
                for (int t = 0; t < taps; t++) {
                    int i = base + tapOff[t];
                    DoubleVector v0 = DoubleVector.fromArray(S, image, i);
                    DoubleVector v1 = DoubleVector.fromArray(S, image, i + L);
                    DoubleVector v2 = DoubleVector.fromArray(S, image, i + 2 * L);
                    DoubleVector v3 = DoubleVector.fromArray(S, image, i + 3 * L);
                    int wi = wb + t * R;
                    DoubleVector w0 = DoubleVector.broadcast(S, w[wi]);
                    a00 = w0.fma(v0, a00);
                    a01 = w0.fma(v1, a01);
                    a02 = w0.fma(v2, a02);
                    a03 = w0.fma(v3, a03);
                    DoubleVector w1 = DoubleVector.broadcast(S, w[wi + 1]);
                    a10 = w1.fma(v0, a10);
                    a11 = w1.fma(v1, a11);
                    a12 = w1.fma(v2, a12);
                    a13 = w1.fma(v3, a13);
                    DoubleVector w2 = DoubleVector.broadcast(S, w[wi + 2]);
                    a20 = w2.fma(v0, a20);
                    a21 = w2.fma(v1, a21);
                    a22 = w2.fma(v2, a22);
                    a23 = w2.fma(v3, a23);
                    DoubleVector w3 = DoubleVector.broadcast(S, w[wi + 3]);
                    a30 = w3.fma(v0, a30);
                    a31 = w3.fma(v1, a31);
                    a32 = w3.fma(v2, a32);
                    a33 = w3.fma(v3, a33);
                }
                int o = ((b * R) * rowPixels + x0) * L;
                int next = rowPixels * L;
                a00.intoArray(row, o);
                a01.intoArray(row, o + L);
                a02.intoArray(row, o + 2 * L);
                a03.intoArray(row, o + 3 * L);
                a10.intoArray(row, o + next);
                a11.intoArray(row, o + next + L);
                a12.intoArray(row, o + next + 2 * L);
                a13.intoArray(row, o + next + 3 * L);
                a20.intoArray(row, o + 2 * next);
                a21.intoArray(row, o + 2 * next + L);
                a22.intoArray(row, o + 2 * next + 2 * L);
                a23.intoArray(row, o + 2 * next + 3 * L);
                a30.intoArray(row, o + 3 * next);
                a31.intoArray(row, o + 3 * next + L);
                a32.intoArray(row, o + 3 * next + 2 * L);
                a33.intoArray(row, o + 3 * next + 3 * L);
            }
        }
    }

    /** The bias per output channel (zero when null), in a scratch array. */
    private static double[] biases(Scratch sc, Matrix bias, int channels) {
        double[] b = Scratch.grown(sc.bias, channels);
        sc.bias = b;
        for (int o = 0; o < channels; o++) {
            b[o] = bias == null ? 0 : ScalarKernelsF64.get(bias, o, 0);
        }
        return b;
    }

    @Override
    public void convolve(ConvShape s, Matrix kernel, Matrix bias, Matrix x, Matrix y, int c0, int c1) {
        forward(s, kernel, bias, 0, null, x, null, y, c0, c1);
    }

    @Override
    public void residualStep(ConvShape s, Matrix kernel, Matrix bias, double h, Activation act, Matrix u,
            Matrix next, Matrix z, int c0, int c1) {
        forward(s, kernel, bias, h, act, u, next, z, c0, c1);
    }

    /** z = conv(kernel, u) + bias when z is not null; next = u + h·σ(z) when next is not null. */
    private static void forward(ConvShape s, Matrix kernel, Matrix bias, double h, Activation act, Matrix u,
            Matrix next, Matrix z, int c0, int c1) {
        Scratch sc = SCRATCH.get();
        int outs = s.outChannels(), hgt = s.height(), wid = s.width(), p = s.padding();
        int wp = paddedWidth(s), hp = paddedHeight(s), rp = rowPixels(s);
        int taps = s.kernelColumns();
        double[] w = pack(sc, s, kernel, false);
        int[] tapOff = tapOffsets(sc, s, s.inChannels(), 1);
        double[] b = biases(sc, bias, outs);
        double[] image = bordered(sc, s, s.inChannels());
        int rowSize = blocks(outs) * R * rp * L;
        double[] row = Scratch.grown(sc.row, rowSize);
        sc.row = row;
        double[] sigma = Scratch.grown(sc.second, rowSize);
        sc.second = sigma;
        double[] tmp = Scratch.grown(sc.rowTmp, rowSize);
        sc.rowTmp = tmp;
        for (int c = c0; c < c1; c += L) {
            int count = Math.min(L, c1 - c);
            stage(s, u, s.inChannels(), c, count, image);
            for (int y = 0; y < hgt; y++) {
                correlateRow(image, tapOff, taps, w, blocks(outs), y, wp, rp, row);
                for (int o = 0; o < outs; o++) {
                    int at = o * rp * L;
                    for (int x = 0; x < rp * L; x += L) {
                        DoubleVector.fromArray(S, row, at + x).add(b[o]).intoArray(row, at + x);
                    }
                    for (int x = 0; x < wid && z != null; x++) {
                        PanamaKernelsF64.storeRow(row, at + x * L, z, (o * hgt + y) * wid + x, c, count, L);
                    }
                }
                if (next == null) {
                    continue;
                }
                PanamaKernelsF64.applyInto(act, false, row, 0, sigma, 0, tmp, 0, outs * rp * L);
                DoubleVector hv = DoubleVector.broadcast(S, h);
                for (int o = 0; o < outs; o++) {
                    int in = ((o * hp + y + p) * wp + p) * L;
                    for (int x = 0; x < wid; x++) {
                        int at = (o * rp + x) * L;
                        DoubleVector.fromArray(S, sigma, at).fma(hv, DoubleVector.fromArray(S, image, in + x * L))
                                .intoArray(sigma, at);
                        PanamaKernelsF64.storeRow(sigma, at, next, (o * hgt + y) * wid + x, c, count, L);
                    }
                }
            }
        }
    }

    @Override
    public void transpose(ConvShape s, Matrix kernel, Matrix y, Matrix add, Matrix x, int c0, int c1) {
        Scratch sc = SCRATCH.get();
        double[] image = bordered(sc, s, s.outChannels());
        for (int c = c0; c < c1; c += L) {
            int count = Math.min(L, c1 - c);
            stage(s, y, s.outChannels(), c, count, image);
            transposeTile(sc, s, kernel, image, add, x, c, count);
        }
    }

    /**
     * x = add + convᵀ(kernel, staged image) for one tile. Packs the flipped kernel on every call: it is
     * O(C²k²), a small fraction of the tile's O(C²k²·H·W) work.
     */
    private static void transposeTile(Scratch sc, ConvShape s, Matrix kernel, double[] image, Matrix add, Matrix x,
            int c, int count) {
        int ins = s.inChannels(), hgt = s.height(), wid = s.width(), rp = rowPixels(s);
        double[] w = pack(sc, s, kernel, true);
        int[] tapOff = tapOffsets(sc, s, s.outChannels(), 1);
        int rowSize = blocks(ins) * R * rp * L;
        double[] row = Scratch.grown(sc.row, rowSize);
        sc.row = row;
        double[] other = Scratch.grown(sc.second, L);
        sc.second = other;
        for (int yy = 0; yy < hgt; yy++) {
            correlateRow(image, tapOff, s.outChannels() * s.kernelSize() * s.kernelSize(), w, blocks(ins), yy,
                    paddedWidth(s), rp, row);
            for (int i = 0; i < ins; i++) {
                for (int xx = 0; xx < wid; xx++) {
                    int at = (i * rp + xx) * L;
                    int r = (i * hgt + yy) * wid + xx;
                    if (add != null) {
                        PanamaKernelsF64.loadRow(add, r, c, count, other, 0, L);
                        DoubleVector.fromArray(S, other, 0).add(DoubleVector.fromArray(S, row, at)).intoArray(row, at);
                    }
                    PanamaKernelsF64.storeRow(row, at, x, r, c, count, L);
                }
            }
        }
    }

    @Override
    public void adjointStep(ConvShape s, Matrix kernel, Matrix z, Matrix u, double h, Activation act, Matrix lambda,
            Matrix lambdaPrev, Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        Scratch sc = SCRATCH.get();
        int outs = s.outChannels(), hgt = s.height(), wid = s.width(), p = s.padding();
        int wp = paddedWidth(s), hp = paddedHeight(s);
        double[] image = bordered(sc, s, outs);
        // One image row of z, then σ'(z), then scratch, then λ: four wid·L runs in one array.
        int n = wid * L;
        double[] rows = Scratch.grown(sc.rowTmp, 4 * n);
        sc.rowTmp = rows;
        double[] sums = Scratch.zeroed(sc.sums, outs * L);
        sc.sums = sums;
        DoubleVector hv = DoubleVector.broadcast(S, h);
        for (int c = c0; c < c1; c += L) {
            int count = Math.min(L, c1 - c);
            // g = h·σ'(z)·λ, stored and staged as the input of the transposed convolution, and summed for db.
            for (int o = 0; o < outs; o++) {
                DoubleVector sum = DoubleVector.fromArray(S, sums, o * L);
                for (int yy = 0; yy < hgt; yy++) {
                    int r = (o * hgt + yy) * wid;
                    for (int xx = 0; xx < wid; xx++) {
                        PanamaKernelsF64.loadRow(z, r + xx, c, count, rows, xx * L, L);
                        PanamaKernelsF64.loadRow(lambda, r + xx, c, count, rows, 3 * n + xx * L, L);
                    }
                    PanamaKernelsF64.applyInto(act, true, rows, 0, rows, n, rows, 2 * n, n);
                    int at = ((o * hp + yy + p) * wp + p) * L;
                    for (int xx = 0; xx < wid; xx++) {
                        DoubleVector gv = hv.mul(DoubleVector.fromArray(S, rows, n + xx * L))
                                .mul(DoubleVector.fromArray(S, rows, 3 * n + xx * L));
                        gv.intoArray(image, at + xx * L);
                        sum = sum.add(gv);
                        PanamaKernelsF64.storeRow(image, at + xx * L, g, r + xx, c, count, L);
                    }
                }
                sum.intoArray(sums, o * L);
            }
            transposeTile(sc, s, kernel, image, lambda, lambdaPrev, c, count);
        }
        if (db != null) {
            for (int o = 0; o < outs; o++) {
                ScalarKernelsF64.set(db, o, 0, ScalarKernelsF64.get(db, o, 0) + PanamaKernelsF64.sumLanes(sums, o * L));
            }
        }
        if (dk != null) {
            weightGradient(s, g, u, dk, c0, c1);
        }
    }

    /**
     * Per tile: u staged with its zero border, g staged unpadded as {@code [channel][y][x][lane]}; then for each
     * block of R output channels × P taps, 16 lane-wise accumulators run over every pixel of the tile. The
     * accumulators live in a lane array across tiles and are summed in lane order at the end.
     */
    @Override
    public void weightGradient(ConvShape s, Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        Scratch sc = SCRATCH.get();
        int outs = s.outChannels(), hgt = s.height(), wid = s.width(), wp = paddedWidth(s);
        int taps = s.kernelColumns();
        int tapBlocks = (taps + P - 1) / P;
        int outBlocks = blocks(outs);
        int[] tapOff = tapOffsets(sc, s, s.inChannels(), P);
        double[] image = bordered(sc, s, s.inChannels());
        int plane = s.pixels() * L;
        // Output channels past the last (up to a whole block) read zero gradients; the others are staged per tile.
        double[] grads = Scratch.grown(sc.second, outBlocks * R * plane);
        sc.second = grads;
        Arrays.fill(grads, outs * plane, outBlocks * R * plane, 0);
        double[] sums = Scratch.zeroed(sc.sums, outBlocks * R * tapBlocks * P * L);
        sc.sums = sums;
        for (int c = c0; c < c1; c += L) {
            int count = Math.min(L, c1 - c);
            stage(s, u, s.inChannels(), c, count, image);
            for (int q = 0; q < outs * s.pixels(); q++) {
                PanamaKernelsF64.loadRow(g, q, c, count, grads, q * L, L);
            }
            for (int b = 0; b < outBlocks; b++) {
                for (int tb = 0; tb < tapBlocks; tb++) {
                    int acc = (b * R * tapBlocks + tb) * P * L;
                    int stride = tapBlocks * P * L;
                    DoubleVector a00 = DoubleVector.fromArray(S, sums, acc);
                    DoubleVector a01 = DoubleVector.fromArray(S, sums, acc + L);
                    DoubleVector a02 = DoubleVector.fromArray(S, sums, acc + 2 * L);
                    DoubleVector a03 = DoubleVector.fromArray(S, sums, acc + 3 * L);
                    DoubleVector a10 = DoubleVector.fromArray(S, sums, acc + stride);
                    DoubleVector a11 = DoubleVector.fromArray(S, sums, acc + stride + L);
                    DoubleVector a12 = DoubleVector.fromArray(S, sums, acc + stride + 2 * L);
                    DoubleVector a13 = DoubleVector.fromArray(S, sums, acc + stride + 3 * L);
                    DoubleVector a20 = DoubleVector.fromArray(S, sums, acc + 2 * stride);
                    DoubleVector a21 = DoubleVector.fromArray(S, sums, acc + 2 * stride + L);
                    DoubleVector a22 = DoubleVector.fromArray(S, sums, acc + 2 * stride + 2 * L);
                    DoubleVector a23 = DoubleVector.fromArray(S, sums, acc + 2 * stride + 3 * L);
                    DoubleVector a30 = DoubleVector.fromArray(S, sums, acc + 3 * stride);
                    DoubleVector a31 = DoubleVector.fromArray(S, sums, acc + 3 * stride + L);
                    DoubleVector a32 = DoubleVector.fromArray(S, sums, acc + 3 * stride + 2 * L);
                    DoubleVector a33 = DoubleVector.fromArray(S, sums, acc + 3 * stride + 3 * L);
                    int t0 = tapOff[tb * P], t1 = tapOff[tb * P + 1], t2 = tapOff[tb * P + 2], t3 = tapOff[tb * P + 3];
                    int gb = b * R * plane;
                    for (int yy = 0; yy < hgt; yy++) {
                        for (int xx = 0; xx < wid; xx++) {
                            int i = (yy * wp + xx) * L;
                            int gi = gb + (yy * wid + xx) * L;
                            DoubleVector v0 = DoubleVector.fromArray(S, image, i + t0);
                            DoubleVector v1 = DoubleVector.fromArray(S, image, i + t1);
                            DoubleVector v2 = DoubleVector.fromArray(S, image, i + t2);
                            DoubleVector v3 = DoubleVector.fromArray(S, image, i + t3);
                            DoubleVector g0 = DoubleVector.fromArray(S, grads, gi);
                            a00 = g0.fma(v0, a00);
                            a01 = g0.fma(v1, a01);
                            a02 = g0.fma(v2, a02);
                            a03 = g0.fma(v3, a03);
                            DoubleVector g1 = DoubleVector.fromArray(S, grads, gi + plane);
                            a10 = g1.fma(v0, a10);
                            a11 = g1.fma(v1, a11);
                            a12 = g1.fma(v2, a12);
                            a13 = g1.fma(v3, a13);
                            DoubleVector g2 = DoubleVector.fromArray(S, grads, gi + 2 * plane);
                            a20 = g2.fma(v0, a20);
                            a21 = g2.fma(v1, a21);
                            a22 = g2.fma(v2, a22);
                            a23 = g2.fma(v3, a23);
                            DoubleVector g3 = DoubleVector.fromArray(S, grads, gi + 3 * plane);
                            a30 = g3.fma(v0, a30);
                            a31 = g3.fma(v1, a31);
                            a32 = g3.fma(v2, a32);
                            a33 = g3.fma(v3, a33);
                        }
                    }
                    a00.intoArray(sums, acc);
                    a01.intoArray(sums, acc + L);
                    a02.intoArray(sums, acc + 2 * L);
                    a03.intoArray(sums, acc + 3 * L);
                    a10.intoArray(sums, acc + stride);
                    a11.intoArray(sums, acc + stride + L);
                    a12.intoArray(sums, acc + stride + 2 * L);
                    a13.intoArray(sums, acc + stride + 3 * L);
                    a20.intoArray(sums, acc + 2 * stride);
                    a21.intoArray(sums, acc + 2 * stride + L);
                    a22.intoArray(sums, acc + 2 * stride + 2 * L);
                    a23.intoArray(sums, acc + 2 * stride + 3 * L);
                    a30.intoArray(sums, acc + 3 * stride);
                    a31.intoArray(sums, acc + 3 * stride + L);
                    a32.intoArray(sums, acc + 3 * stride + 2 * L);
                    a33.intoArray(sums, acc + 3 * stride + 3 * L);
                }
            }
        }
        for (int o = 0; o < outs; o++) {
            for (int t = 0; t < taps; t++) {
                double v = PanamaKernelsF64.sumLanes(sums, (o * tapBlocks * P + t) * L);
                ScalarKernelsF64.set(dk, o, t, ScalarKernelsF64.get(dk, o, t) + v);
            }
        }
    }

    @Override
    public void biasGradient(ConvShape s, Matrix g, Matrix db, int c0, int c1) {
        Scratch sc = SCRATCH.get();
        double[] lanes = Scratch.grown(sc.sums, 2 * L);
        sc.sums = lanes;
        int pixels = s.pixels();
        for (int o = 0; o < s.outChannels(); o++) {
            DoubleVector sum = DoubleVector.zero(S);
            for (int q = o * pixels; q < (o + 1) * pixels; q++) {
                for (int c = c0; c < c1; c += L) {
                    int count = Math.min(L, c1 - c);
                    PanamaKernelsF64.loadRow(g, q, c, count, lanes, L, L);
                    sum = sum.add(DoubleVector.fromArray(S, lanes, L));
                }
            }
            sum.intoArray(lanes, 0);
            ScalarKernelsF64.set(db, o, 0, ScalarKernelsF64.get(db, o, 0) + PanamaKernelsF64.sumLanes(lanes, 0));
        }
    }
}
