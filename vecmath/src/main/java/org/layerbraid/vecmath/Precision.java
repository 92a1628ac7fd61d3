package org.layerbraid.vecmath;

/** Floating-point precision of a tensor: float32 or float64. */
public enum Precision {
    F32(Float.BYTES, "f32"),
    F64(Double.BYTES, "f64");

    private final int bytes;
    private final String label;

    Precision(int bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Short name as used on the command line and in file metadata ({@code f32}, {@code f64}). */
    public String label() {
        return label;
    }

    /** Parses {@code f32}/{@code fp32}/{@code float32} and the f64 equivalents, case-insensitively. */
    public static Precision parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "f32", "fp32", "float32", "float" -> F32;
            case "f64", "fp64", "float64", "double" -> F64;
            default -> throw new IllegalArgumentException("unknown precision '" + text + "': use fp32 or fp64");
        };
    }
}
