package org.layerbraid.mgrit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a text file stops being UTF-8. The JDK's decoder reports only "Input length = 1"; a reader that catches it
 * asks here for the byte offset and line of the first bad byte, so the message names what to fix.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** One line naming the file, the offset and line of its first byte that is not UTF-8, and the cure. */
    public static IllegalArgumentException error(Path file) {
        try {
            long[] at = firstInvalid(file);
            if (at == null) {
                return new IllegalArgumentException(file + ": could not be decoded as UTF-8");
            }
            return new IllegalArgumentException(String.format("%s: not UTF-8 text: byte 0x%02X at offset %d (line %d) "
                    + "is not valid UTF-8, the encoding expected; a binary file, or text in another encoding such as "
                    + "Latin-1 (convert it with iconv -f latin1 -t utf-8)", file, at[2], at[0], at[1]));
        } catch (IOException e) {
            return new IllegalArgumentException(file + ": not UTF-8 text (" + e.getMessage() + ")");
        }
    }

    /** {offset, line, byte} of the first malformed or unmappable byte, or null when the whole file is UTF-8. */
    static long[] firstInvalid(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long consumed = 0;
        long line = 1;
        try (InputStream stream = Files.newInputStream(file)) {
            boolean end = false;
            while (!end) {
                int n = stream.read(in.array(), in.position(), in.remaining());
                end = n < 0;
                in.position(in.position() + Math.max(n, 0));
                in.flip();
                int start = in.position();
                CoderResult r = decoder.decode(in, out, end);
                for (int i = start; i < in.position(); i++) {
                    line += in.get(i) == '\n' ? 1 : 0;
                }
                if (r.isError()) {
                    return new long[] {consumed + in.position() - start, line, in.get(in.position()) & 0xFF};
                }
                consumed += in.position() - start;
                in.compact();
                out.clear();
            }
        }
        return null;
    }
}
