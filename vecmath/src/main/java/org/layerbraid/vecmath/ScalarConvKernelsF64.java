package org.layerbraid.vecmath;

import static org.layerbraid.vecmath.ScalarKernelsF64.get;
import static org.layerbraid.vecmath.ScalarKernelsF64.set;

/**
 * The scalar reference convolutions: one output value at a time, taps in index order (input channel, then
 * kernel row, then kernel column), taps that fall outside the image skipped (that is the zero padding).
 */
final class ScalarConvKernelsF64 implements ConvKernelsF64 {
    static final ScalarConvKernelsF64 INSTANCE = new ScalarConvKernelsF64();

    private ScalarConvKernelsF64() {
    }

    /** conv(kernel, x) + bias at output channel co, pixel (y, x0), column c. */
    private static double correlate(ConvShape s, Matrix kernel, Matrix bias, Matrix x, int co, int y, int x0, int c) {
        int k = s.kernelSize(), p = s.padding(), hgt = s.height(), wid = s.width();
        double sum = bias == null ? 0 : get(bias, co, 0);
        for (int ci = 0; ci < s.inChannels(); ci++) {
            for (int dy = 0; dy < k; dy++) {
                int yy = y + dy - p;
                if (yy < 0 || yy >= hgt) {
                    continue;
                }
                for (int dx = 0; dx < k; dx++) {
                    int xx = x0 + dx - p;
                    if (xx >= 0 && xx < wid) {
                        sum += get(kernel, co, (ci * k + dy) * k + dx) * get(x, (ci * hgt + yy) * wid + xx, c);
                    }
                }
            }
        }
        return sum;
    }

    @Override
    public void convolve(ConvShape s, Matrix kernel, Matrix bias, Matrix x, Matrix y, int c0, int c1) {
        int pixels = s.pixels();
        for (int c = c0; c < c1; c++) {
            for (int co = 0; co < s.outChannels(); co++) {
                for (int q = 0; q < pixels; q++) {
                    set(y, co * pixels + q, c, correlate(s, kernel, bias, x, co, q / s.width(), q % s.width(), c));
                }
            }
        }
    }

    @Override
    public void residualStep(ConvShape s, Matrix kernel, Matrix bias, double h, Activation act, Matrix u,
            Matrix next, Matrix z, int c0, int c1) {
        int pixels = s.pixels();
        for (int c = c0; c < c1; c++) {
            for (int co = 0; co < s.outChannels(); co++) {
                for (int q = 0; q < pixels; q++) {
                    int row = co * pixels + q;
                    double zv = correlate(s, kernel, bias, u, co, q / s.width(), q % s.width(), c);
                    if (z != null) {
                        set(z, row, c, zv);
                    }
                    if (next != null) {
                        set(next, row, c, get(u, row, c) + h * ScalarKernelsF64.activate(act, zv));
                    }
                }
            }
        }
    }

    /**
     * convᵀ is a convolution of y with the kernel flipped in both directions and its channel roles swapped:
     * {@code x[ci, y, x] = Σ_{co, dy, dx} K[co][ci, dy, dx] · y[co, y − dy + p, x − dx + p]}.
     */
    @Override
    public void transpose(ConvShape s, Matrix kernel, Matrix y, Matrix add, Matrix x, int c0, int c1) {
        int k = s.kernelSize(), p = s.padding(), hgt = s.height(), wid = s.width();
        for (int c = c0; c < c1; c++) {
            for (int ci = 0; ci < s.inChannels(); ci++) {
                for (int py = 0; py < hgt; py++) {
                    for (int px = 0; px < wid; px++) {
                        int row = (ci * hgt + py) * wid + px;
                        double sum = add == null ? 0 : get(add, row, c);
                        for (int co = 0; co < s.outChannels(); co++) {
                            for (int dy = 0; dy < k; dy++) {
                                int yy = py - dy + p;
                                if (yy < 0 || yy >= hgt) {
                                    continue;
                                }
                                for (int dx = 0; dx < k; dx++) {
                                    int xx = px - dx + p;
                                    if (xx >= 0 && xx < wid) {
                                        sum += get(kernel, co, (ci * k + dy) * k + dx)
                                                * get(y, (co * hgt + yy) * wid + xx, c);
                                    }
                                }
                            }
                        }
                        set(x, row, c, sum);
                    }
                }
            }
        }
    }

    @Override
    public void adjointStep(ConvShape s, Matrix kernel, Matrix z, Matrix u, double h, Activation act, Matrix lambda,
            Matrix lambdaPrev, Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        ScalarKernelsF64.INSTANCE.activationBackward(act, h, z, lambda, g, c0, c1);
        transpose(s, kernel, g, lambda, lambdaPrev, c0, c1);
        if (dk != null) {
            weightGradient(s, g, u, dk, c0, c1);
        }
        if (db != null) {
            biasGradient(s, g, db, c0, c1);
        }
    }

    @Override
    public void weightGradient(ConvShape s, Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        int k = s.kernelSize(), p = s.padding(), hgt = s.height(), wid = s.width();
        for (int co = 0; co < s.outChannels(); co++) {
            for (int ci = 0; ci < s.inChannels(); ci++) {
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        double sum = 0;
                        for (int c = c0; c < c1; c++) {
                            for (int py = Math.max(0, p - dy); py < Math.min(hgt, hgt + p - dy); py++) {
                                for (int px = Math.max(0, p - dx); px < Math.min(wid, wid + p - dx); px++) {
                                    sum += get(g, (co * hgt + py) * wid + px, c)
                                            * get(u, (ci * hgt + py + dy - p) * wid + px + dx - p, c);
                                }
                            }
                        }
                        int col = (ci * k + dy) * k + dx;
                        set(dk, co, col, get(dk, co, col) + sum);
                    }
                }
            }
        }
    }

    @Override
    public void biasGradient(ConvShape s, Matrix g, Matrix db, int c0, int c1) {
        int pixels = s.pixels();
        for (int co = 0; co < s.outChannels(); co++) {
            double sum = 0;
            for (int q = 0; q < pixels; q++) {
                for (int c = c0; c < c1; c++) {
                    sum += get(g, co * pixels + q, c);
                }
            }
            set(db, co, 0, get(db, co, 0) + sum);
        }
    }
}
