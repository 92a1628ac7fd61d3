package org.layerbraid.vecmath;

/**
 * The few constants of the vectorised kernels that are not just the same number in another type. The
 * float32 kernels are generated from the float64 ones by renaming ({@code _F64} becomes {@code _F32}), so
 * each constant here exists once per precision, side by side.
 */
final class FloatingPoint {
    /** Adding then subtracting this rounds a value of magnitude below 2^51 (f64) or 2^22 (f32) to an integer. */
    static final double ROUND_MAGIC_F64 = 0x1.8p52;
    static final float ROUND_MAGIC_F32 = 0x1.8p23f;

    /** ln 2 split into a head with trailing zero bits and a tail (Cody-Waite range reduction for exp). */
    static final double LN2_HI_F64 = 0x1.62e42feep-1;
    static final double LN2_LO_F64 = 0x1.a39ef35793c76p-33;
    static final float LN2_HI_F32 = 0x1.62e4p-1f;
    static final float LN2_LO_F32 = 0x1.7f7d1cp-20f;

    private FloatingPoint() {
    }
}
