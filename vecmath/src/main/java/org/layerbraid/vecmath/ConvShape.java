package org.layerbraid.vecmath;

/**
 * The geometry of a same-padding k × k convolution from {@code inChannels} feature maps of height × width to
 * {@code outChannels} maps of the same size (stride 1, zero padding of (k − 1)/2 on every side).
 * <p>
 * Layout, fixed by the engine: a state is a {@link Matrix} of {@code channels·height·width} rows and one
 * column per example, row {@code (c·height + y)·width + x} holding pixel (y, x) of channel c. The kernel is
 * {@code outChannels × (inChannels·k·k)}, column {@code (ci·k + dy)·k + dx} holding the weight from input
 * channel ci at offset (dy − (k−1)/2, dx − (k−1)/2); the bias is {@code outChannels × 1}.
 *
 * @param inChannels  feature maps read, at least 1
 * @param outChannels feature maps written, at least 1
 * @param height      image rows, at least 1
 * @param width       image columns, at least 1
 * @param kernelSize  k, odd and at most min(height, width)
 */
public record ConvShape(int inChannels, int outChannels, int height, int width, int kernelSize) {
    public ConvShape {
        positive("input channels", inChannels);
        positive("output channels", outChannels);
        positive("image height", height);
        positive("image width", width);
        positive("kernel size", kernelSize);
        if (kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernel size " + kernelSize
                    + " is even: a same-padding convolution needs an odd kernel size");
        }
        if (kernelSize > Math.min(height, width)) {
            throw new IllegalArgumentException("kernel size " + kernelSize + " is larger than the " + height + " × "
                    + width + " image");
        }
        if ((long) Math.max(inChannels, outChannels) * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution state of " + Math.max(inChannels, outChannels) + " × "
                    + height + " × " + width + " values per example does not fit in a matrix");
        }
    }

    /** The shape of a residual layer: {@code channels} maps in and out. */
    public static ConvShape residual(int channels, int height, int width, int kernelSize) {
        return new ConvShape(channels, channels, height, width, kernelSize);
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value);
        }
    }

    /** Whether input and output have the same number of channels (a residual step needs it). */
    public boolean isResidual() {
        return inChannels == outChannels;
    }

    /** Pixels per feature map, height × width. */
    public int pixels() {
        return height * width;
    }

    /** Rows of an input state: inChannels · height · width. */
    public int inRows() {
        return inChannels * pixels();
    }

    /** Rows of an output state: outChannels · height · width. */
    public int outRows() {
        return outChannels * pixels();
    }

    /** Columns of the kernel matrix: inChannels · k · k. */
    public int kernelColumns() {
        return inChannels * kernelSize * kernelSize;
    }

    /** Zero rows and columns added on each side of the image, (k − 1)/2. */
    public int padding() {
        return (kernelSize - 1) / 2;
    }

    /**
     * Floating-point operations of one convolution per example, counted as PyTorch and cuDNN do: 2 per
     * multiply-add, every tap included, {@code 2·outChannels·inChannels·k²·height·width} (taps that fall into
     * the padding are skipped by the scalar kernels, so they do slightly less work at the borders).
     */
    public long flopsPerExample() {
        return 2L * outChannels * kernelColumns() * pixels();
    }

    @Override
    public String toString() {
        return inChannels + "→" + outChannels + " channels, " + height + "×" + width + ", " + kernelSize + "×"
                + kernelSize;
    }
}
