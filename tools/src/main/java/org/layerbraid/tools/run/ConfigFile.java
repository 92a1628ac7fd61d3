package org.layerbraid.tools.run;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import org.layerbraid.mgrit.io.Utf8;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration file in the reference code's {@code key = value} format ({@code #} starts a comment).
 * Keys keep their line numbers so errors can name them.
 */
public final class ConfigFile {
    /** A value and where it was written. */
    public record Entry(String value, int line) {
    }

    private final Path file;
    private final Map<String, Entry> entries;

    private ConfigFile(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    public static ConfigFile read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("configuration file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            throw Utf8.error(file);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'key = value', found '"
                        + line + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (entries.containsKey(key)) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": key '" + key
                        + "' was already set on line " + entries.get(key).line());
            }
            entries.put(key, new Entry(value, i + 1));
        }
        return new ConfigFile(file, entries);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Path file() {
        return file;
    }

    /** The value as a number, or an error naming file, line and key. */
    public double number(String key) {
        Entry e = entries.get(key);
        try {
            return Double.parseDouble(e.value());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(file + " line " + e.line() + ": " + key + " = '" + e.value()
                    + "' is not a number");
        }
    }

    /** The value as an integer, or an error naming file, line and key. */
    public int integer(String key) {
        double v;
        try {
            v = Double.parseDouble(entries.get(key).value());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            Entry e = entries.get(key);
            throw new IllegalArgumentException(file + " line " + e.line() + ": " + key + " = '" + e.value()
                    + "' is not an integer");
        }
        return (int) v;
    }

    /** An error about a key's value, naming file and line. */
    public IllegalArgumentException error(String key, String problem) {
        Entry e = entries.get(key);
        return new IllegalArgumentException(file + " line " + e.line() + ": " + key + " = '" + e.value() + "': "
                + problem);
    }
}
