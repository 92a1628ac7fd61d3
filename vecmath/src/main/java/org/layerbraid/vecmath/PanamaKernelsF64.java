package org.layerbraid.vecmath;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 kernels, hand-vectorised with {@code jdk.incubator.vector}.
 * <p>
 * Design, shared by every matrix product here:
 * <ul>
 * <li>The batch (columns) is walked in tiles of {@link #TILE} = two vectors. A tile of the right operand is
 * copied to a small heap array first (zero-padded past the last column), so the final, partial tile runs
 * through exactly the same arithmetic as a full one: every column gets bit-identical results wherever it
 * falls, which keeps results independent of how the batch is split between threads (as long as slices
 * start at multiples of {@link #TILE}).</li>
 * <li>The left operand (K, Kᵀ or a GEMM block) is packed in panels of {@link #MR} rows, interleaved by
 * column, and {@link #multiplyPanel} computes a 4 × 2-vector block with 8 accumulators: 2 vector loads and
 * 4 broadcasts per 8 FMAs, which fits AVX2's 16 registers without spilling.</li>
 * <li>No transcendental {@code VectorOperators} (TANH, EXP, LOG): their results differ between the
 * interpreter's fallback and C2's intrinsics, so the same call could give different bits before and after
 * JIT compilation. exp and tanh are built here from IEEE basic operations, and lane sums are taken in a
 * fixed order rather than with {@code reduceLanes}, for the same reason.</li>
 * <li>Vectors never cross a method call that C2 might not inline (it is then boxed, i.e. allocated): vector
 * arithmetic runs on heap arrays inside one method's loop; off-heap rows move to and from those arrays
 * through {@link #loadRow} and {@link #storeRow}, whose partial-tile path is a plain scalar copy.</li>
 * <li>Scratch arrays are per thread and grow once; nothing is allocated per call after warm-up.</li>
 * <li>Loops over tiles call one method per tile ({@link #residualTile}, {@link #adjointTile}, …): the JIT compiles
 * the tile's code once, early, as a whole method. A loop over thousands of tiles entered in the interpreter was
 * compiled again and again at its loop entries (on-stack replacement) first, which cost a cold training run its
 * first second or so.</li>
 * </ul>
 */
final class PanamaKernelsF64 implements KernelsF64 {
    static final PanamaKernelsF64 INSTANCE = new PanamaKernelsF64();

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Columns per tile: two vectors. */
    static final int TILE = 2 * L;
    /** Rows per register block. */
    private static final int MR = 4;
    /** GEMM cache blocking: an MC × KC block of A stays in L2, a KC × TILE panel of B in L1. */
    private static final int KC = 256;
    private static final int MC = 64;
    private static final int NC = 1024;

    /** Bits of the preferred species, for the kernel choice. */
    static int vectorBits() {
        return S.vectorBitSize();
    }
    private static final long BYTES = Double.BYTES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private static final double ETA = (double) Activation.SMOOTH_RELU_ETA;
    /** tanh(x) rounds to ±1 beyond this in float64 (and float32). */
    private static final double TANH_CLAMP = 20;
    /** exp(x) rounds to 0 below this in float64 (and float32). */
    private static final double EXP_FLOOR = -746;
    /** Bits of 2^k needed: k ≤ 2·20/ln 2 = 58 for tanh, k ≤ 746/ln 2 = 1077 for exp. */
    private static final int TANH_BITS = 6;
    private static final int EXP_BITS = 11;
    /** 2^(−2^b): the factors of the power-of-two ladder in {@link #expInPlace}. */
    private static final double[] POW2_NEG = new double[EXP_BITS];
    /** Taylor coefficients 1/n! of exp on |t| ≤ ln2/2, highest first; the error is below 1e-17. */
    private static final double[] EXP_COEFFS = new double[14];

    static {
        for (int b = 0; b < EXP_BITS; b++) {
            POW2_NEG[b] = (double) Math.scalb(1.0, -(1 << b));
        }
        double factorial = 1;
        for (int n = 0; n < EXP_COEFFS.length; n++) {
            factorial *= Math.max(n, 1);
            EXP_COEFFS[EXP_COEFFS.length - 1 - n] = (double) (1 / factorial);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanamaKernelsF64() {
    }

    /** Per-thread work arrays, grown on demand and then reused. */
    private static final class Scratch {
        double[] left = new double[0];
        double[] right = new double[0];
        double[] tile = new double[0];
        double[] bias = new double[0];
        final double[] acc = new double[MR * TILE];
        final double[] acc2 = new double[MR * TILE];
        final double[] acc3 = new double[MR * TILE];
        final double[] lanes = new double[L];

        double[] left(int n) {
            if (left.length < n) {
                left = new double[n];
            }
            return left;
        }

        double[] right(int n) {
            if (right.length < n) {
                right = new double[n];
            }
            return right;
        }

        double[] tile(int n) {
            if (tile.length < n) {
                tile = new double[n];
            }
            return tile;
        }

        double[] bias(int n) {
            if (bias.length < n) {
                bias = new double[n];
            }
            return bias;
        }
    }

    // ---------------------------------------------------------------- building blocks

    // Vector constants are made where they are used, never kept in static fields: C2 cannot unbox a
    // vector loaded from a field once it meets a loop phi, and then boxes on every iteration.
    private static DoubleVector zero() {
        return DoubleVector.zero(S);
    }

    private static DoubleVector one() {
        return DoubleVector.broadcast(S, (double) 1);
    }

    private static long offset(Matrix m, int r, int c) {
        return ((long) r * m.ld() + c) * BYTES;
    }

    /**
     * Copies {@code min(count, width)} elements of row r from column c into {@code dst[off ..]} and zeroes
     * the rest up to {@code width} (a multiple of L).
     */
    static void loadRow(Matrix m, int r, int c, int count, double[] dst, int off, int width) {
        if (count >= width) {
            long at = offset(m, r, c);
            for (int x = 0; x < width; x += L) {
                DoubleVector.fromMemorySegment(S, m.segment(), at + x * BYTES, NATIVE).intoArray(dst, off + x);
            }
        } else {
            for (int x = 0; x < width; x++) {
                dst[off + x] = x < count ? ScalarKernelsF64.get(m, r, c + x) : 0;
            }
        }
    }

    /** Copies {@code min(count, width)} elements from {@code src[off ..]} to row r from column c. */
    static void storeRow(double[] src, int off, Matrix m, int r, int c, int count, int width) {
        if (count >= width) {
            long at = offset(m, r, c);
            for (int x = 0; x < width; x += L) {
                DoubleVector.fromArray(S, src, off + x).intoMemorySegment(m.segment(), at + x * BYTES, NATIVE);
            }
        } else {
            for (int x = 0; x < count; x++) {
                ScalarKernelsF64.set(m, r, c + x, src[off + x]);
            }
        }
    }

    /** Copies columns [c, c + count) of all rows of m into tile[row·TILE ...], zero-padded to TILE columns. */
    private static void loadTile(Matrix m, int c, int count, double[] tile, int base) {
        for (int r = 0; r < m.rows(); r++) {
            loadRow(m, r, c, count, tile, base + r * TILE, TILE);
        }
    }

    /**
     * Packs op(A)[rows r0 .. r0+rows, depth d0 .. d0+depth] in panels of MR rows interleaved by depth:
     * {@code dst[(p·depth + j)·MR + r] = op(A)[r0 + p·MR + r][d0 + j]}, zero past the last row.
     */
    private static void packLeft(Matrix a, boolean trans, int r0, int rows, int d0, int depth, double[] dst) {
        int panels = (rows + MR - 1) / MR;
        for (int p = 0; p < panels; p++) {
            for (int r = 0; r < MR; r++) {
                int row = p * MR + r;
                int base = p * depth * MR + r;
                if (row >= rows) {
                    for (int j = 0; j < depth; j++) {
                        dst[base + j * MR] = 0;
                    }
                } else if (trans) {
                    for (int j = 0; j < depth; j++) {
                        dst[base + j * MR] = ScalarKernelsF64.get(a, d0 + j, r0 + row);
                    }
                } else {
                    for (int j = 0; j < depth; j++) {
                        dst[base + j * MR] = ScalarKernelsF64.get(a, r0 + row, d0 + j);
                    }
                }
            }
        }
    }

    /**
     * The register block: {@code acc[r·TILE + x] = Σ_{j<depth} a[aBase + j·MR + r] · b[bBase + j·TILE + x]}
     * for r < MR, x < TILE.
     */
    private static void multiplyPanel(double[] a, int aBase, double[] b, int bBase, int depth, double[] acc) {
        DoubleVector c00 = zero(), c01 = zero(), c10 = zero(), c11 = zero();
        DoubleVector c20 = zero(), c21 = zero(), c30 = zero(), c31 = zero();
        for (int j = 0; j < depth; j++) {
            int bi = bBase + j * TILE;
            int ai = aBase + j * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector a0 = DoubleVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, TILE);
        c11.intoArray(acc, TILE + L);
        c20.intoArray(acc, 2 * TILE);
        c21.intoArray(acc, 2 * TILE + L);
        c30.intoArray(acc, 3 * TILE);
        c31.intoArray(acc, 3 * TILE + L);
    }

    /**
     * Sum of {@code lanes[from .. from+L)} in lane order: deterministic, unlike reduceLanes. Vectors are
     * stored to an array before they leave a method, since a vector passed to a method C2 does not inline
     * is boxed (allocated).
     */
    static double sumLanes(double[] lanes, int from) {
        double s = 0;
        for (int i = 0; i < L; i++) {
            s += lanes[from + i];
        }
        return s;
    }

    // ---------------------------------------------------------------- elementary functions
    //
    // These work in place on heap arrays, loop included, and call nothing that takes or returns a
    // vector: C2 refuses to inline a vector-heavy callee once it has compiled it on its own ("already
    // compiled into a big method"), and a vector crossing a call that is not inlined is allocated.
    // Lengths are multiples of L.

    /**
     * a[i] = exp(a[i]) for a[i] ≤ 0 (larger values are not expected): exp(x) = exp(t)·2^−k with
     * k = round(−x/ln 2) and |t| ≤ ln2/2, exp(t) by a degree-13 polynomial, 2^−k by a ladder of
     * multiplications over the low {@code bits} bits of k.
     */
    private static void expInPlace(double[] a, int from, int n, int bits) {
        for (int i = from; i < from + n; i += L) {
            DoubleVector y = DoubleVector.fromArray(S, a, i).max(EXP_FLOOR);
            DoubleVector k = y.mul(-1 / (double) Math.log(2)).add(FloatingPoint.ROUND_MAGIC_F64)
                    .sub(FloatingPoint.ROUND_MAGIC_F64);
            DoubleVector t = k.fma(DoubleVector.broadcast(S, FloatingPoint.LN2_HI_F64), y);
            t = k.fma(DoubleVector.broadcast(S, FloatingPoint.LN2_LO_F64), t);
            DoubleVector p = DoubleVector.broadcast(S, EXP_COEFFS[0]);
            for (int c = 1; c < EXP_COEFFS.length; c++) {
                p = p.fma(t, DoubleVector.broadcast(S, EXP_COEFFS[c]));
            }
            for (int b = bits - 1; b >= 0; b--) {
                double step = 1 << b;
                VectorMask<Double> has = k.compare(VectorOperators.GE, step);
                k = k.sub(DoubleVector.broadcast(S, step), has);
                p = p.mul(DoubleVector.broadcast(S, POW2_NEG[b]), has);
            }
            p.intoArray(a, i);
        }
    }

    /**
     * Elementwise σ or σ' from {@code z[zi ..]} into {@code out[oi ..]}, n elements; {@code tmp[ti ..]} is
     * scratch of the same length. The three may be one array at different offsets; out must not overlap z.
     */
    static void applyInto(Activation act, boolean derivative, double[] z, int zi, double[] out, int oi,
            double[] tmp, int ti, int n) {
        switch (act) {
            case TANH -> {
                // tanh|z| = (1 − e)/(1 + e) with e = exp(−2|z|); then the sign of z, or 1 − tanh² for σ'.
                for (int i = 0; i < n; i += L) {
                    DoubleVector.fromArray(S, z, zi + i).abs().min(TANH_CLAMP).mul((double) -2).intoArray(tmp, ti + i);
                }
                expInPlace(tmp, ti, n, TANH_BITS);
                for (int i = 0; i < n; i += L) {
                    DoubleVector e = DoubleVector.fromArray(S, tmp, ti + i);
                    DoubleVector t = one().sub(e).div(one().add(e));
                    DoubleVector r = derivative ? t.neg().fma(t, one())
                            : t.blend(t.neg(), DoubleVector.fromArray(S, z, zi + i).compare(VectorOperators.LT, zero()));
                    r.intoArray(out, oi + i);
                }
            }
            case RELU, SMOOTH_RELU -> {
                double[] pw = coefficients(act, derivative);
                DoubleVector a2 = DoubleVector.broadcast(S, pw[0]), a1 = DoubleVector.broadcast(S, pw[1]);
                DoubleVector a0 = DoubleVector.broadcast(S, pw[2]);
                for (int i = 0; i < n; i += L) {
                    DoubleVector zv = DoubleVector.fromArray(S, z, zi + i);
                    zv.fma(a2, a1).fma(zv, a0).blend(derivative ? one() : zv, zv.compare(VectorOperators.GE, pw[3]))
                            .blend(zero(), zv.compare(VectorOperators.LE, pw[4])).intoArray(out, oi + i);
                }
            }
        }
    }

    /**
     * ReLU and smooth ReLU all have the form {@code z ≥ hi ? z : z ≤ lo ? 0 : (a2·z + a1)·z + a0}, and their
     * derivatives {@code z ≥ hi ? 1 : z ≤ lo ? 0 : (a2·z + a1)·z + a0}; these are the five coefficients
     * {a2, a1, a0, hi, lo} per activation and derivative. Kernels broadcast them once per call and evaluate
     * the form inline: no vector crosses a method call that C2 might not inline (and box).
     */
    private static double[] piecewise(Activation act, boolean derivative) {
        double e = ETA;
        if (act == Activation.RELU) {
            return derivative ? new double[] {0, 0, 0, 0, 0} : new double[] {0, 1, 0, 0, 0};
        }
        // Smooth ReLU: the quadratic patch x²/(4η) + x/2 + η/4, slope x/(2η) + 1/2, on (−η, η).
        return derivative ? new double[] {0, 1 / (2 * e), (double) 0.5, e, -e}
                : new double[] {1 / (4 * e), (double) 0.5, e / 4, e, -e};
    }

    /** The coefficient tables, indexed [derivative ? 1 : 0][RELU, SMOOTH_RELU]. */
    private static final double[][][] PIECEWISE = {
        {piecewise(Activation.RELU, false), piecewise(Activation.SMOOTH_RELU, false)},
        {piecewise(Activation.RELU, true), piecewise(Activation.SMOOTH_RELU, true)}};

    private static double[] coefficients(Activation act, boolean derivative) {
        return PIECEWISE[derivative ? 1 : 0][act == Activation.RELU ? 0 : 1];
    }

    // ---------------------------------------------------------------- layer kernels

    @Override
    public void residualStep(Matrix k, Matrix bias, double h, Activation act, Matrix u, Matrix next, Matrix z,
            int c0, int c1) {
        int w = u.rows();
        int panels = (w + MR - 1) / MR;
        Scratch s = SCRATCH.get();
        double[] kp = s.left(panels * MR * w);
        packLeft(k, false, 0, w, 0, w, kp);
        double[] bv = s.bias(w);
        for (int i = 0; i < w; i++) {
            bv[i] = ScalarKernelsF64.bias(bias, i);
        }
        double[] ut = s.tile(w * TILE);
        for (int c = c0; c < c1; c += TILE) {
            residualTile(kp, bv, ut, s, h, act, u, next, z, c, Math.min(TILE, c1 - c));
        }
    }

    /**
     * One tile of {@link #residualStep}: columns [c, c + count). A method of its own, called per tile, so that the JIT
     * compiles it once, early, as a whole method, where a loop over thousands of tiles run by the interpreter would
     * be compiled several times over at its loop entries (on-stack replacement) before the method itself.
     */
    private static void residualTile(double[] kp, double[] bv, double[] ut, Scratch s, double h, Activation act,
            Matrix u, Matrix next, Matrix z, int c, int count) {
        int w = u.rows();
        int panels = (w + MR - 1) / MR;
        double[] acc = s.acc;
        double[] sigma = s.acc2;
        double[] tmp = s.acc3;
        DoubleVector hv = DoubleVector.broadcast(S, h);
        double[] pw = coefficients(act == Activation.TANH ? Activation.RELU : act, false);
        DoubleVector a2 = DoubleVector.broadcast(S, pw[0]), a1 = DoubleVector.broadcast(S, pw[1]);
        DoubleVector a0 = DoubleVector.broadcast(S, pw[2]);
        loadTile(u, c, count, ut, 0);
        for (int p = 0; p < panels; p++) {
            multiplyPanel(kp, p * w * MR, ut, 0, w, acc);
            int rows = Math.min(MR, w - p * MR);
            if (act != Activation.TANH) {
                // Piecewise activation: one pass from the accumulators to both outputs. A partial tile
                // stages its results in the heap arrays and is copied out after, through the same code,
                // so its columns get the same bits and this loop stays hot (and piecewise inlined).
                boolean full = count == TILE;
                for (int r = 0; r < rows; r++) {
                    int i = p * MR + r;
                    for (int x = 0; x < TILE; x += L) {
                        DoubleVector zv = DoubleVector.fromArray(S, acc, r * TILE + x).add(bv[i]);
                        if (z != null) {
                            if (full) {
                                zv.intoMemorySegment(z.segment(), offset(z, i, c + x), NATIVE);
                            } else {
                                zv.intoArray(acc, r * TILE + x);
                            }
                        }
                        if (next != null) {
                            DoubleVector uv = DoubleVector.fromArray(S, ut, i * TILE + x);
                            DoubleVector out = zv.fma(a2, a1).fma(zv, a0)
                                    .blend(zv, zv.compare(VectorOperators.GE, pw[3]))
                                    .blend(zero(), zv.compare(VectorOperators.LE, pw[4])).fma(hv, uv);
                            if (full) {
                                out.intoMemorySegment(next.segment(), offset(next, i, c + x), NATIVE);
                            } else {
                                out.intoArray(sigma, r * TILE + x);
                            }
                        }
                    }
                }
                for (int r = 0; r < rows && !full; r++) {
                    if (z != null) {
                        storeRow(acc, r * TILE, z, p * MR + r, c, count, TILE);
                    }
                    if (next != null) {
                        storeRow(sigma, r * TILE, next, p * MR + r, c, count, TILE);
                    }
                }
                continue;
            }
            // tanh works on whole arrays (its exp has loops of its own): bias, z, σ, then the step.
            for (int r = 0; r < rows; r++) {
                int i = p * MR + r;
                for (int x = 0; x < TILE; x += L) {
                    DoubleVector.fromArray(S, acc, r * TILE + x).add(bv[i]).intoArray(acc, r * TILE + x);
                }
                if (z != null) {
                    storeRow(acc, r * TILE, z, i, c, count, TILE);
                }
            }
            if (next == null) {
                continue;
            }
            applyInto(act, false, acc, 0, sigma, 0, tmp, 0, rows * TILE);
            for (int r = 0; r < rows; r++) {
                int i = p * MR + r;
                for (int x = 0; x < TILE; x += L) {
                    DoubleVector uv = DoubleVector.fromArray(S, ut, i * TILE + x);
                    DoubleVector.fromArray(S, sigma, r * TILE + x).fma(hv, uv).intoArray(sigma, r * TILE + x);
                }
                storeRow(sigma, r * TILE, next, i, c, count, TILE);
            }
        }
    }

    /**
     * y = σ(x) or σ'(x), row by row a tile at a time through heap buffers; with {@code lambda} given,
     * y = h·σ'(x)·λ instead (the back-propagation through the activation).
     */
    private static void elementwise(Activation act, boolean derivative, double h, Matrix lambda, Matrix x, Matrix y,
            int c0, int c1) {
        Scratch s = SCRATCH.get();
        for (int i = 0; i < x.rows(); i++) {
            for (int c = c0; c < c1; c += TILE) {
                elementwiseTile(act, derivative, h, lambda, x, y, i, c, Math.min(TILE, c1 - c), s);
            }
        }
    }

    /** Row i, columns [c, c + count) of {@link #elementwise}; a method of its own (see {@link #residualTile}). */
    private static void elementwiseTile(Activation act, boolean derivative, double h, Matrix lambda, Matrix x, Matrix y,
            int i, int c, int count, Scratch s) {
        double[] in = s.acc, out = s.acc2, tmp = s.acc3;
        loadRow(x, i, c, count, in, 0, TILE);
        applyInto(act, derivative, in, 0, out, 0, tmp, 0, TILE);
        if (lambda != null) {
            DoubleVector hv = DoubleVector.broadcast(S, h);
            loadRow(lambda, i, c, count, in, 0, TILE);
            for (int v = 0; v < TILE; v += L) {
                hv.mul(DoubleVector.fromArray(S, out, v)).mul(DoubleVector.fromArray(S, in, v)).intoArray(out, v);
            }
        }
        storeRow(out, 0, y, i, c, count, TILE);
    }

    @Override
    public void activate(Activation act, Matrix x, Matrix y, int c0, int c1) {
        elementwise(act, false, 0, null, x, y, c0, c1);
    }

    @Override
    public void activationDerivative(Activation act, Matrix x, Matrix y, int c0, int c1) {
        elementwise(act, true, 0, null, x, y, c0, c1);
    }

    @Override
    public void activationBackward(Activation act, double h, Matrix z, Matrix lambda, Matrix g, int c0, int c1) {
        elementwise(act, true, h, lambda, z, g, c0, c1);
    }

    @Override
    public void adjointStep(Matrix k, Matrix z, Matrix u, double h, Activation act, Matrix lambda, Matrix lambdaPrev,
            Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        int w = lambda.rows();
        int panels = (w + MR - 1) / MR;
        Scratch s = SCRATCH.get();
        double[] kt = s.left(panels * MR * w);
        packLeft(k, true, 0, w, 0, w, kt);
        // One heap array, four w × TILE tiles: λ, z, σ'(z) then g, and scratch.
        double[] tiles = s.tile(4 * w * TILE);
        // Per-row vector sums of g for db, added up in lane order at the end.
        double[] biasSums = s.bias(w * L);
        java.util.Arrays.fill(biasSums, 0, w * L, 0);
        for (int c = c0; c < c1; c += TILE) {
            adjointTile(kt, tiles, biasSums, s, h, act, z, lambda, lambdaPrev, g, c, Math.min(TILE, c1 - c));
        }
        if (dk != null) {
            weightGradient(g, u, dk, c0, c1);
        }
        if (db != null) {
            for (int i = 0; i < w; i++) {
                int r = db.rows() == 1 ? 0 : i;
                ScalarKernelsF64.set(db, r, 0, ScalarKernelsF64.get(db, r, 0) + sumLanes(biasSums, i * L));
            }
        }
    }

    /** One tile of {@link #adjointStep}, columns [c, c + count); a method of its own (see {@link #residualTile}). */
    private static void adjointTile(double[] kt, double[] tiles, double[] biasSums, Scratch s, double h, Activation act,
            Matrix z, Matrix lambda, Matrix lambdaPrev, Matrix g, int c, int count) {
        int w = lambda.rows();
        int panels = (w + MR - 1) / MR;
        int zBase = w * TILE, gBase = 2 * w * TILE, tmpBase = 3 * w * TILE;
        double[] acc = s.acc;
        DoubleVector hv = DoubleVector.broadcast(S, h);
        boolean piecewise = act != Activation.TANH;
        double[] pw = coefficients(piecewise ? act : Activation.RELU, true);
        DoubleVector a2 = DoubleVector.broadcast(S, pw[0]), a1 = DoubleVector.broadcast(S, pw[1]);
        DoubleVector a0 = DoubleVector.broadcast(S, pw[2]);
        boolean full = count == TILE;
        loadTile(lambda, c, count, tiles, 0);
        if (piecewise) {
            // σ', g = h·σ'·λ, stored, and summed for db: one pass. A partial tile reads z from a staged
            // copy and writes g through one, so every column runs the same operations.
            if (!full) {
                loadTile(z, c, count, tiles, zBase);
            }
            for (int i = 0; i < w; i++) {
                DoubleVector rowSum = DoubleVector.fromArray(S, biasSums, i * L);
                for (int x = 0; x < TILE; x += L) {
                    DoubleVector zv = full
                            ? DoubleVector.fromMemorySegment(S, z.segment(), offset(z, i, c + x), NATIVE)
                            : DoubleVector.fromArray(S, tiles, zBase + i * TILE + x);
                    DoubleVector lv = DoubleVector.fromArray(S, tiles, i * TILE + x);
                    DoubleVector d = zv.fma(a2, a1).fma(zv, a0)
                            .blend(one(), zv.compare(VectorOperators.GE, pw[3]))
                            .blend(zero(), zv.compare(VectorOperators.LE, pw[4]));
                    DoubleVector gv = hv.mul(d).mul(lv);
                    gv.intoArray(tiles, gBase + i * TILE + x);
                    if (full) {
                        gv.intoMemorySegment(g.segment(), offset(g, i, c + x), NATIVE);
                    }
                    rowSum = rowSum.add(gv);
                }
                rowSum.intoArray(biasSums, i * L);
                if (!full) {
                    storeRow(tiles, gBase + i * TILE, g, i, c, count, TILE);
                }
            }
        } else {
            // tanh works on whole arrays (its exp has loops of its own).
            loadTile(z, c, count, tiles, zBase);
            applyInto(act, true, tiles, zBase, tiles, gBase, tiles, tmpBase, w * TILE);
            for (int i = 0; i < w; i++) {
                DoubleVector rowSum = DoubleVector.fromArray(S, biasSums, i * L);
                for (int x = 0; x < TILE; x += L) {
                    DoubleVector lv = DoubleVector.fromArray(S, tiles, i * TILE + x);
                    DoubleVector gv = hv.mul(DoubleVector.fromArray(S, tiles, gBase + i * TILE + x)).mul(lv);
                    gv.intoArray(tiles, gBase + i * TILE + x);
                    rowSum = rowSum.add(gv);
                }
                rowSum.intoArray(biasSums, i * L);
                storeRow(tiles, gBase + i * TILE, g, i, c, count, TILE);
            }
        }
        for (int p = 0; p < panels; p++) {
            multiplyPanel(kt, p * w * MR, tiles, gBase, w, acc);
            int rows = Math.min(MR, w - p * MR);
            for (int r = 0; r < rows; r++) {
                int i = p * MR + r;
                for (int x = 0; x < TILE; x += L) {
                    DoubleVector out = DoubleVector.fromArray(S, tiles, i * TILE + x)
                            .add(DoubleVector.fromArray(S, acc, r * TILE + x));
                    if (full) {
                        out.intoMemorySegment(lambdaPrev.segment(), offset(lambdaPrev, i, c + x), NATIVE);
                    } else {
                        out.intoArray(acc, r * TILE + x);
                    }
                }
                if (!full) {
                    storeRow(acc, r * TILE, lambdaPrev, i, c, count, TILE);
                }
            }
        }
    }

    /**
     * dk += g·uᵀ over columns [c0, c1): blocks of 4 rows of g × 2 rows of u, one accumulator vector each,
     * running along the batch; the last columns that do not fill a vector are added in a scalar loop. Rows
     * past the end are clamped to the last row (their results are dropped), so every block runs the same code.
     */
    @Override
    public void weightGradient(Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        double[] acc = SCRATCH.get().acc;
        for (int i0 = 0; i0 < g.rows(); i0 += MR) {
            for (int j0 = 0; j0 < u.rows(); j0 += 2) {
                weightGradientBlock(g, u, dk, i0, j0, c0, c1, acc);
            }
        }
    }

    /**
     * Rows i0 .. i0+3 of g against rows j0, j0+1 of u, into the 4 × 2 block of dk at (i0, j0); a method of its own
     * for the reason of {@link #residualTile}.
     */
    private static void weightGradientBlock(Matrix g, Matrix u, Matrix dk, int i0, int j0, int c0, int c1,
            double[] acc) {
        int m = g.rows();
        int n = u.rows();
        int vectorEnd = c0 + (c1 - c0) / L * L;
        MemorySegment gs = g.segment(), us = u.segment();
        long g0 = offset(g, i0, 0), g1 = offset(g, Math.min(i0 + 1, m - 1), 0);
        long g2 = offset(g, Math.min(i0 + 2, m - 1), 0), g3 = offset(g, Math.min(i0 + 3, m - 1), 0);
        long u0 = offset(u, j0, 0), u1 = offset(u, Math.min(j0 + 1, n - 1), 0);
        DoubleVector a00 = zero(), a01 = zero(), a10 = zero(), a11 = zero();
        DoubleVector a20 = zero(), a21 = zero(), a30 = zero(), a31 = zero();
        for (int c = c0; c < vectorEnd; c += L) {
            long at = c * BYTES;
            DoubleVector v0 = DoubleVector.fromMemorySegment(S, us, u0 + at, NATIVE);
            DoubleVector v1 = DoubleVector.fromMemorySegment(S, us, u1 + at, NATIVE);
            DoubleVector x0 = DoubleVector.fromMemorySegment(S, gs, g0 + at, NATIVE);
            a00 = x0.fma(v0, a00);
            a01 = x0.fma(v1, a01);
            DoubleVector x1 = DoubleVector.fromMemorySegment(S, gs, g1 + at, NATIVE);
            a10 = x1.fma(v0, a10);
            a11 = x1.fma(v1, a11);
            DoubleVector x2 = DoubleVector.fromMemorySegment(S, gs, g2 + at, NATIVE);
            a20 = x2.fma(v0, a20);
            a21 = x2.fma(v1, a21);
            DoubleVector x3 = DoubleVector.fromMemorySegment(S, gs, g3 + at, NATIVE);
            a30 = x3.fma(v0, a30);
            a31 = x3.fma(v1, a31);
        }
        a00.intoArray(acc, 0);
        a01.intoArray(acc, L);
        a10.intoArray(acc, 2 * L);
        a11.intoArray(acc, 3 * L);
        a20.intoArray(acc, 4 * L);
        a21.intoArray(acc, 5 * L);
        a30.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        for (int r = 0; r < MR && i0 + r < m; r++) {
            for (int q = 0; q < 2 && j0 + q < n; q++) {
                double sum = sumLanes(acc, (2 * r + q) * L);
                for (int c = vectorEnd; c < c1; c++) {
                    sum += ScalarKernelsF64.get(g, i0 + r, c) * ScalarKernelsF64.get(u, j0 + q, c);
                }
                ScalarKernelsF64.set(dk, i0 + r, j0 + q, ScalarKernelsF64.get(dk, i0 + r, j0 + q) + sum);
            }
        }
    }

    @Override
    public void rowSums(Matrix x, Matrix sums, int c0, int c1) {
        double[] lanes = SCRATCH.get().lanes;
        int vectorEnd = c0 + (c1 - c0) / L * L;
        for (int i = 0; i < x.rows(); i++) {
            long row = offset(x, i, 0);
            DoubleVector a = zero();
            for (int c = c0; c < vectorEnd; c += L) {
                a = a.add(DoubleVector.fromMemorySegment(S, x.segment(), row + c * BYTES, NATIVE));
            }
            a.intoArray(lanes, 0);
            double sum = sumLanes(lanes, 0);
            for (int c = vectorEnd; c < c1; c++) {
                sum += ScalarKernelsF64.get(x, i, c);
            }
            int r = sums.rows() == 1 ? 0 : i;
            ScalarKernelsF64.set(sums, r, 0, ScalarKernelsF64.get(sums, r, 0) + sum);
        }
    }

    @Override
    public void addBias(Matrix bias, Matrix x, int c0, int c1) {
        int vectorEnd = c0 + (c1 - c0) / L * L;
        for (int i = 0; i < x.rows(); i++) {
            double b = ScalarKernelsF64.bias(bias, i);
            long row = offset(x, i, 0);
            for (int c = c0; c < vectorEnd; c += L) {
                long at = row + c * BYTES;
                DoubleVector.fromMemorySegment(S, x.segment(), at, NATIVE).add(b).intoMemorySegment(x.segment(), at, NATIVE);
            }
            for (int c = vectorEnd; c < c1; c++) {
                ScalarKernelsF64.set(x, i, c, ScalarKernelsF64.get(x, i, c) + b);
            }
        }
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * C = α·op(A)·op(B) + β·C, blocked as in Goto's algorithm: for each KC-deep slice, a KC × NC block of
     * op(B) is packed into TILE-wide panels, then MC × KC blocks of op(A) into MR-row panels, and every
     * (A panel, B panel) pair goes through {@link #multiplyPanel}.
     */
    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int m = c.rows();
        int n = c.cols();
        int depth = transA ? a.rows() : a.cols();
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int colPanels = (nc + TILE - 1) / TILE;
            for (int pc = 0; pc < depth; pc += KC) {
                int kc = Math.min(KC, depth - pc);
                double[] bp = s.right(colPanels * kc * TILE);
                packRight(b, transB, pc, kc, jc, nc, bp);
                boolean first = pc == 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    int rowPanels = (mc + MR - 1) / MR;
                    double[] ap = s.left(rowPanels * kc * MR);
                    packLeft(a, transA, ic, mc, pc, kc, ap);
                    for (int q = 0; q < colPanels; q++) {
                        gemmTile(ap, bp, q, kc, ic, mc, jc + q * TILE, first, alpha, beta, c, s);
                    }
                }
            }
        }
    }

    /**
     * One column panel of {@link #gemm}: rows [ic, ic + mc) of C at columns [col, col + TILE), from the packed blocks;
     * a method of its own for the reason of {@link #residualTile}.
     */
    private static void gemmTile(double[] ap, double[] bp, int q, int kc, int ic, int mc, int col, boolean first,
            double alpha, double beta, Matrix c, Scratch s) {
        double[] acc = s.acc;
        double[] old = s.acc2;
        int count = Math.min(TILE, c.cols() - col);
        int rowPanels = (mc + MR - 1) / MR;
        for (int p = 0; p < rowPanels; p++) {
            multiplyPanel(ap, p * kc * MR, bp, q * kc * TILE, kc, acc);
            int rows = Math.min(MR, mc - p * MR);
            for (int r = 0; r < rows; r++) {
                int i = ic + p * MR + r;
                boolean readC = !first || beta != 0;
                if (readC) {
                    loadRow(c, i, col, count, old, 0, TILE);
                }
                for (int x = 0; x < TILE; x += L) {
                    DoubleVector v = DoubleVector.fromArray(S, acc, r * TILE + x).mul(alpha);
                    if (!first) {
                        v = v.add(DoubleVector.fromArray(S, old, x));
                    } else if (beta != 0) {
                        v = DoubleVector.fromArray(S, old, x).fma(DoubleVector.broadcast(S, beta), v);
                    }
                    v.intoArray(acc, r * TILE + x);
                }
                storeRow(acc, r * TILE, c, i, col, count, TILE);
            }
        }
    }

    /**
     * Packs op(B)[depth d0 .. d0+depth, columns j0 .. j0+cols] in TILE-wide panels:
     * {@code dst[(q·depth + j)·TILE + x] = op(B)[d0 + j][j0 + q·TILE + x]}, zero past the last column.
     */
    private static void packRight(Matrix b, boolean trans, int d0, int depth, int j0, int cols, double[] dst) {
        int panels = (cols + TILE - 1) / TILE;
        for (int q = 0; q < panels; q++) {
            int col = j0 + q * TILE;
            int count = Math.min(TILE, cols - q * TILE);
            int base = q * depth * TILE;
            for (int j = 0; j < depth; j++) {
                int at = base + j * TILE;
                if (trans) {
                    for (int x = 0; x < TILE; x++) {
                        dst[at + x] = x < count ? ScalarKernelsF64.get(b, col + x, d0 + j) : 0;
                    }
                } else {
                    loadRow(b, d0 + j, col, count, dst, at, TILE);
                }
            }
        }
    }

    // ---------------------------------------------------------------- loss

    @Override
    public double softmaxCrossEntropy(Matrix logits, int[] labels, int labelOffset, double gradScale, Matrix grad,
            int c0, int c1) {
        Scratch s = SCRATCH.get();
        double loss = 0;
        for (int c = c0; c < c1; c += L) {
            loss = softmaxVector(loss, logits, labels, labelOffset, gradScale, grad, c, Math.min(L, c1 - c), s);
        }
        return loss;
    }

    /**
     * One vector of examples of {@link #softmaxCrossEntropy}, columns [c, c + count): adds their losses to {@code loss}
     * in column order and returns it; a method of its own for the reason of {@link #residualTile}.
     */
    private static double softmaxVector(double loss, Matrix logits, int[] labels, int labelOffset, double gradScale,
            Matrix grad, int c, int count, Scratch s) {
        int classes = logits.rows();
        double[] lanes = s.lanes;
        double[] e = s.right(classes * L);
        for (int i = 0; i < classes; i++) {
            loadRow(logits, i, c, count, e, i * L, L);
        }
        DoubleVector max = DoubleVector.fromArray(S, e, 0);
        for (int i = 1; i < classes; i++) {
            max = max.max(DoubleVector.fromArray(S, e, i * L));
        }
        for (int i = 0; i < classes; i++) {
            DoubleVector.fromArray(S, e, i * L).sub(max).intoArray(e, i * L);
        }
        expInPlace(e, 0, classes * L, EXP_BITS);
        DoubleVector sum = zero();
        for (int i = 0; i < classes; i++) {
            sum = sum.add(DoubleVector.fromArray(S, e, i * L));
        }
        // Σ over examples of log(sum) is taken as the log of the product of the sums (each in
        // [1, classes]): one log per vector instead of one per example.
        max.intoArray(lanes, 0);
        for (int x = 0; x < count; x++) {
            loss += lanes[x] - ScalarKernelsF64.get(logits, labels[labelOffset + c + x], c + x);
        }
        sum.intoArray(lanes, 0);
        double product = 1;
        for (int x = 0; x < count; x++) {
            product *= lanes[x];
        }
        loss += (double) Math.log(product);
        if (grad != null) {
            DoubleVector scale = DoubleVector.broadcast(S, gradScale).div(sum);
            for (int i = 0; i < classes; i++) {
                DoubleVector.fromArray(S, e, i * L).mul(scale).intoArray(e, i * L);
                storeRow(e, i * L, grad, i, c, count, L);
            }
            for (int x = 0; x < count; x++) {
                int label = labels[labelOffset + c + x];
                ScalarKernelsF64.set(grad, label, c + x, ScalarKernelsF64.get(grad, label, c + x) - gradScale);
            }
        }
        return loss;
    }

    @Override
    public void argmax(Matrix x, int[] out, int outOffset, int c0, int c1) {
        // Comparisons only, O(classes) per example: not worth vectorising.
        ScalarKernelsF64.INSTANCE.argmax(x, out, outOffset, c0, c1);
    }

    // ---------------------------------------------------------------- one-dimensional operations

    @Override
    public void copy(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        MemorySegment.copy(x, xi * BYTES, y, yi * BYTES, n * BYTES);
    }

    // Each loop runs whole vectors, then the remaining n mod L elements one by one with the same operations.

    @Override
    public void axpby(double a, MemorySegment x, long xi, double b, MemorySegment y, long yi, int n) {
        int end = n / L * L;
        for (int i = 0; i < end; i += L) {
            DoubleVector xv = DoubleVector.fromMemorySegment(S, x, (xi + i) * BYTES, NATIVE);
            DoubleVector yv = DoubleVector.fromMemorySegment(S, y, (yi + i) * BYTES, NATIVE);
            xv.mul(a).add(yv.mul(b)).intoMemorySegment(y, (yi + i) * BYTES, NATIVE);
        }
        ScalarKernelsF64.INSTANCE.axpby(a, x, xi + end, b, y, yi + end, n - end);
    }

    @Override
    public void scale(double a, MemorySegment x, long xi, int n) {
        int end = n / L * L;
        for (int i = 0; i < end; i += L) {
            long at = (xi + i) * BYTES;
            DoubleVector.fromMemorySegment(S, x, at, NATIVE).mul(a).intoMemorySegment(x, at, NATIVE);
        }
        ScalarKernelsF64.INSTANCE.scale(a, x, xi + end, n - end);
    }

    @Override
    public void fill(double v, MemorySegment x, long xi, int n) {
        int end = n / L * L;
        DoubleVector vv = DoubleVector.broadcast(S, v);
        for (int i = 0; i < end; i += L) {
            vv.intoMemorySegment(x, (xi + i) * BYTES, NATIVE);
        }
        ScalarKernelsF64.INSTANCE.fill(v, x, xi + end, n - end);
    }

    @Override
    public double dot(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        DoubleVector a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            long xa = (xi + i) * BYTES, ya = (yi + i) * BYTES;
            a0 = DoubleVector.fromMemorySegment(S, x, xa, NATIVE).fma(DoubleVector.fromMemorySegment(S, y, ya, NATIVE), a0);
            a1 = DoubleVector.fromMemorySegment(S, x, xa + L * BYTES, NATIVE)
                    .fma(DoubleVector.fromMemorySegment(S, y, ya + L * BYTES, NATIVE), a1);
            a2 = DoubleVector.fromMemorySegment(S, x, xa + 2 * L * BYTES, NATIVE)
                    .fma(DoubleVector.fromMemorySegment(S, y, ya + 2 * L * BYTES, NATIVE), a2);
            a3 = DoubleVector.fromMemorySegment(S, x, xa + 3 * L * BYTES, NATIVE)
                    .fma(DoubleVector.fromMemorySegment(S, y, ya + 3 * L * BYTES, NATIVE), a3);
        }
        for (; i + L <= n; i += L) {
            a0 = DoubleVector.fromMemorySegment(S, x, (xi + i) * BYTES, NATIVE)
                    .fma(DoubleVector.fromMemorySegment(S, y, (yi + i) * BYTES, NATIVE), a0);
        }
        double[] lanes = SCRATCH.get().lanes;
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        return sumLanes(lanes, 0) + ScalarKernelsF64.INSTANCE.dot(x, xi + i, y, yi + i, n - i);
    }

    @Override
    public double sumSquares(MemorySegment x, long xi, int n) {
        return dot(x, xi, x, xi, n);
    }

    @Override
    public double maxAbs(MemorySegment x, long xi, int n) {
        int end = n / L * L;
        DoubleVector m = zero();
        for (int i = 0; i < end; i += L) {
            // max() lets a NaN through, so a NaN anywhere makes the result NaN, as in the scalar reference.
            m = m.max(DoubleVector.fromMemorySegment(S, x, (xi + i) * BYTES, NATIVE).abs());
        }
        double[] lanes = SCRATCH.get().lanes;
        m.intoArray(lanes, 0);
        double r = ScalarKernelsF64.INSTANCE.maxAbs(x, xi + end, n - end);
        for (int j = 0; j < L; j++) {
            r = Math.max(r, lanes[j]);
        }
        return r;
    }
}
