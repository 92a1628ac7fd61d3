package org.layerbraid.mgrit.io;

/**
 * Element types of the safetensors format, by their names in the header. All of them can be listed and checked
 * when reading a file from another tool; {@link SafeTensors} converts {@code F32}, {@code F64} and {@code I64}.
 * The sub-byte types of newer format versions (F4, F6_*) are not supported.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    F64(8), I64(8), U64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
