package org.layerbraid.mgrit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The encoder against byte sequences worked out by hand from the protobuf wire format. */
class ProtobufTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void varintsTakeSevenBitsPerByteLeastSignificantFirst() {
        // key 1 << 3 | 0 = 0x08; 150 = 0b1_0010110 → 0x96 0x01
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new Protobuf().varint(1, 150).toByteArray());
        assertArrayEquals(bytes(0x08, 0x00), new Protobuf().varint(1, 0).toByteArray());
        assertArrayEquals(bytes(0x10, 0x7F), new Protobuf().varint(2, 127).toByteArray());
        assertArrayEquals(bytes(0x10, 0x80, 0x01), new Protobuf().varint(2, 128).toByteArray());
        // 2^32 + 1: five groups of seven bits
        assertArrayEquals(bytes(0x08, 0x81, 0x80, 0x80, 0x80, 0x10), new Protobuf().varint(1, (1L << 32) + 1)
                .toByteArray());
        // a negative int64 is its two's complement: ten bytes
        assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new Protobuf().varint(1, -1).toByteArray());
    }

    @Test
    void fieldNumbersAboveFifteenTakeATwoByteKey() {
        // ONNX's AttributeProto.type is field 20: key 20 << 3 | 0 = 160 → 0xA0 0x01
        assertArrayEquals(bytes(0xA0, 0x01, 0x02), new Protobuf().varint(20, 2).toByteArray());
        assertThrows(IllegalArgumentException.class, () -> new Protobuf().varint(0, 1));
    }

    @Test
    void stringsBytesAndMessagesAreLengthDelimited() {
        // key 2 << 3 | 2 = 0x12, length 7, "testing" in UTF-8
        assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
                new Protobuf().string(2, "testing").toByteArray());
        // "η" is two bytes in UTF-8
        assertArrayEquals(bytes(0x0A, 0x02, 0xCE, 0xB7), new Protobuf().string(1, "η").toByteArray());
        assertArrayEquals(bytes(0x4A, 0x00), new Protobuf().bytes(9, new byte[0]).toByteArray());
        // key 3 << 3 | 2 = 0x1A, length 3, then the nested message 08 96 01
        assertArrayEquals(bytes(0x1A, 0x03, 0x08, 0x96, 0x01),
                new Protobuf().message(3, new Protobuf().varint(1, 150)).toByteArray());
        // fields follow in the order written, repeated ones once per element
        assertArrayEquals(bytes(0x08, 0x01, 0x12, 0x01, 'a', 0x08, 0x02),
                new Protobuf().varint(1, 1).string(2, "a").varint(1, 2).toByteArray());
    }

    @Test
    void aLengthOfMoreThan127BytesIsAVarint() {
        byte[] payload = new byte[300];
        byte[] encoded = new Protobuf().bytes(1, payload).toByteArray();
        // 300 = 0b10_0101100 → 0xAC 0x02
        assertArrayEquals(bytes(0x0A, 0xAC, 0x02), Arrays.copyOf(encoded, 3));
        assertEquals(303, encoded.length);
    }
}
