package org.layerbraid.mgrit.io;

import java.nio.file.Path;

/**
 * A file whose content breaks its format (truncated, inconsistent header, trailing bytes). The message is one line:
 * the file, a colon and the problem. It is an {@link IllegalArgumentException} because the file is bad input, not an
 * I/O failure: retrying will not help.
 */
public final class CorruptFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param problem what is wrong, e.g. "3 trailing bytes after the last tensor". */
    public CorruptFileException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
