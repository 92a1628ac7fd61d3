package org.layerbraid.mgrit.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON header of a safetensors file: tensor name → dtype, shape and byte range in the data section, plus
 * string metadata. Encodes it for the writer; parses and validates it for the reader, so that every range read
 * later is known to lie inside the data section and to match its dtype and shape.
 */
record Header(SortedMap<String, String> metadata, SortedMap<String, Entry> tensors) {
    /** Longest header accepted, as in the reference implementation: a longer length field is corruption. */
    static final long MAX_LENGTH = 100_000_000;
    static final String METADATA = "__metadata__";

    // Duplicate names and text after the object would make the meaning of a file depend on the reader.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** One tensor: its element type, shape and byte range {@code [begin, end)} in the data section. */
    record Entry(DType dtype, long[] shape, long begin, long end) {
        /** Number of elements; fits in an int, as the range lies in a data section read into one array. */
        int count() {
            return Math.toIntExact((end - begin) / dtype.bytes());
        }
    }

    /**
     * The header as compact JSON (no whitespace; metadata first, then the tensors in map order), padded with spaces
     * to a multiple of 8 bytes so that the data section starts aligned.
     */
    static byte[] encode(SortedMap<String, String> metadata, SortedMap<String, Entry> tensors) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode node = root.putObject(METADATA);
            metadata.forEach(node::put);
        }
        tensors.forEach((name, entry) -> {
            ObjectNode node = root.putObject(name);
            node.put("dtype", entry.dtype().name());
            ArrayNode shape = node.putArray("shape");
            Arrays.stream(entry.shape()).forEach(shape::add);
            node.putArray("data_offsets").add(entry.begin()).add(entry.end());
        });
        byte[] json = JSON.writeValueAsBytes(root);
        if (json.length > MAX_LENGTH - 8) {
            throw new IllegalArgumentException("safetensors header of " + json.length + " bytes exceeds the limit of "
                    + MAX_LENGTH + " that readers accept");
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /**
     * Parses and validates the header bytes of {@code file}, whose data section has {@code dataLength} bytes: every
     * entry complete and well-typed, known dtypes, non-negative dimensions, ranges that match dtype × shape and tile
     * the data section exactly (in offset order, no gaps, no overlaps, no trailing bytes).
     */
    static Header parse(Path file, byte[] bytes, long dataLength) {
        JsonNode root;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            root = JSON.readTree(text);
        } catch (CharacterCodingException e) {
            throw new CorruptFileException(file, "header is not valid UTF-8");
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new CorruptFileException(file, "header is not valid JSON: "
                    + e.getOriginalMessage().replaceAll("\\s+", " ") + (at >= 0 ? " (at character " + at + ")" : ""));
        }
        if (root == null || !root.isObject()) {
            throw new CorruptFileException(file, "header is not a JSON object");
        }
        SortedMap<String, String> metadata = new TreeMap<>();
        SortedMap<String, Entry> tensors = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA)) {
                metadata = metadata(file, field.getValue());
            } else {
                tensors.put(field.getKey(), entry(file, field.getKey(), field.getValue(), dataLength));
            }
        }
        checkLayout(file, tensors, dataLength);
        return new Header(Collections.unmodifiableSortedMap(metadata), Collections.unmodifiableSortedMap(tensors));
    }

    private static SortedMap<String, String> metadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new CorruptFileException(file, METADATA + " is not a JSON object");
        }
        SortedMap<String, String> metadata = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw new CorruptFileException(file, METADATA + " value of '" + field.getKey() + "' is "
                        + field.getValue() + ", not a string");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataLength) {
        String tensor = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CorruptFileException(file, tensor + " is " + node + ", not a JSON object");
        }
        for (String key : List.of("dtype", "shape", "data_offsets")) {
            if (!node.has(key)) {
                throw new CorruptFileException(file, tensor + " has no " + key);
            }
        }
        DType dtype = dtype(file, tensor, node.get("dtype"));
        long[] shape = integers(file, tensor, "shape", node.get("shape"));
        long[] offsets = integers(file, tensor, "data_offsets", node.get("data_offsets"));
        if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new CorruptFileException(file, tensor + " has a negative dimension in shape "
                    + Arrays.toString(shape));
        }
        if (offsets.length != 2 || offsets[0] < 0 || offsets[1] < 0) {
            throw new CorruptFileException(file, tensor + " has data_offsets " + Arrays.toString(offsets)
                    + ": need two non-negative byte offsets [begin, end]");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new CorruptFileException(file, tensor + " has decreasing data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataLength) {
            throw new CorruptFileException(file, tensor + " data_offsets [" + begin + ", " + end
                    + "] run past the end of the data section (" + dataLength + " bytes)");
        }
        long bytes = bytes(file, tensor, dtype, shape);
        if (end - begin != bytes) {
            throw new CorruptFileException(file, tensor + " is " + dtype + " " + Arrays.toString(shape) + ", "
                    + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(dtype, shape, begin, end);
    }

    private static DType dtype(Path file, String tensor, JsonNode node) {
        if (!node.isTextual()) {
            throw new CorruptFileException(file, tensor + " has dtype " + node + ", not a string");
        }
        for (DType t : DType.values()) {
            if (t.name().equals(node.textValue())) {
                return t;
            }
        }
        throw new CorruptFileException(file, tensor + " has unknown dtype " + node);
    }

    private static long[] integers(Path file, String tensor, String key, JsonNode node) {
        boolean ok = node.isArray();
        for (int i = 0; ok && i < node.size(); i++) {
            ok = node.get(i).isIntegralNumber() && node.get(i).canConvertToLong();
        }
        if (!ok) {
            throw new CorruptFileException(file, tensor + " has " + key + " " + node + ", not an array of integers");
        }
        long[] values = new long[node.size()];
        Arrays.setAll(values, i -> node.get(i).longValue());
        return values;
    }

    /** dtype size × product of the shape, rejecting shapes whose size does not fit a long. */
    private static long bytes(Path file, String tensor, DType dtype, long[] shape) {
        try {
            long bytes = dtype.bytes();
            for (long d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw new CorruptFileException(file, tensor + " has an impossibly large shape " + Arrays.toString(shape));
        }
    }

    /** The ranges, in offset order, must follow each other from byte 0 to the end of the data section. */
    private static void checkLayout(Path file, SortedMap<String, Entry> tensors, long dataLength) {
        List<Map.Entry<String, Entry>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.comparingLong((Map.Entry<String, Entry> t) -> t.getValue().begin())
                .thenComparingLong(t -> t.getValue().end()));
        long next = 0;
        String previous = null;
        for (Map.Entry<String, Entry> t : order) {
            Entry e = t.getValue();
            String tensor = "tensor '" + t.getKey() + "' [" + e.begin() + ", " + e.end() + ")";
            if (e.begin() < next) {
                throw new CorruptFileException(file, tensor + " overlaps tensor '" + previous + "', which ends at "
                        + next);
            }
            if (e.begin() > next) {
                throw new CorruptFileException(file, (previous == null ? "" : "after tensor '" + previous + "', ")
                        + (e.begin() - next) + " unused bytes before " + tensor);
            }
            next = e.end();
            previous = t.getKey();
        }
        if (next < dataLength) {
            throw new CorruptFileException(file, (dataLength - next) + " trailing bytes after the last tensor (data "
                    + "section of " + dataLength + " bytes)");
        }
    }
}
