package org.layerbraid.mgrit.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One protocol-buffers message being encoded, field by field in the order written: the two wire types an ONNX file
 * needs, varint (integers, enums) and length-delimited (strings, bytes, nested messages). Repeated fields are
 * written by calling the method once per element, which is the unpacked encoding every parser accepts.
 */
final class Protobuf {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An integer field: int32, int64 or enum, negative values as 10-byte two's complement. */
    Protobuf varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** A string field, UTF-8. */
    Protobuf string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    Protobuf bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** A nested message field. */
    Protobuf message(int field, Protobuf message) {
        return bytes(field, message.toByteArray());
    }

    /** The encoded message. */
    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        if (field < 1 || field > (1 << 29) - 1) {
            throw new IllegalArgumentException("protobuf field numbers run from 1 to 2^29 - 1, got " + field);
        }
        rawVarint((long) field << 3 | wireType);
    }

    /** Seven bits per byte, least significant first, the high bit set on every byte but the last. */
    private void rawVarint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
