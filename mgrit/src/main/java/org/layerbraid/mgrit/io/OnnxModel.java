package org.layerbraid.mgrit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.layerbraid.vecmath.Precision;

/**
 * An <a href="https://onnx.ai">ONNX</a> model being built, node by node, and its file: a graph whose inputs and
 * outputs are batch × columns tensors of one element type (float for f32, double for f64) with a dynamic batch
 * dimension, constants stored in the file (initialisers), and string metadata. Nodes must be added in an order
 * where every input already exists (ONNX wants them sorted topologically). The file is a protobuf
 * {@code ModelProto} of IR version {@value #IR_VERSION} importing the standard operator set {@value #OPSET}, which
 * ONNX Runtime and every other current runtime load.
 */
public final class OnnxModel {
    /** IR version of the file (ONNX 1.7 and later). */
    public static final int IR_VERSION = 7;
    /** Version of the standard operator set the nodes are taken from. */
    public static final int OPSET = 13;
    /** Producer name written into every model. */
    public static final String PRODUCER = "layerbraid";
    /** Name of the dynamic batch dimension of inputs and outputs. */
    public static final String BATCH = "batch";

    // Field numbers from onnx.proto, by message.
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    private static final int OPSET_ID_VERSION = 2;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int DATA_TYPE_FLOAT = 1;
    private static final int DATA_TYPE_INT64 = 7;
    private static final int DATA_TYPE_DOUBLE = 11;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIMENSION_VALUE = 1;
    private static final int DIMENSION_PARAM = 2;

    private final Precision precision;
    private final String docString;
    private final Protobuf graph = new Protobuf();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * @param name      the graph's name
     * @param precision element type of the inputs, outputs and floating-point constants
     * @param docString what the model computes, for people reading the file in a viewer
     */
    public OnnxModel(String name, Precision precision, String docString) {
        this.precision = precision;
        this.docString = docString;
        graph.string(GRAPH_NAME, name);
    }

    /** Element type of the inputs, outputs and floating-point constants. */
    public Precision precision() {
        return precision;
    }

    /** A graph input of batch × {@code columns} elements. */
    public void input(String name, int columns) {
        graph.message(GRAPH_INPUT, batchTensor(name, columns));
    }

    /** A graph output of batch × {@code columns} elements, written by a node. */
    public void output(String name, int columns) {
        graph.message(GRAPH_OUTPUT, batchTensor(name, columns));
    }

    /** A floating-point constant of the model's element type, row-major, shaped {@code dims} (none: a scalar). */
    public void constant(String name, double[] values, long... dims) {
        if (values.length != elements(dims)) {
            throw new IllegalArgumentException("constant '" + name + "' has " + values.length + " values for shape "
                    + Arrays.toString(dims));
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * precision.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (precision == Precision.F32) {
                raw.putFloat((float) v);
            } else {
                raw.putDouble(v);
            }
        }
        graph.message(GRAPH_INITIALIZER, tensor(name, elementType(), raw.array(), dims));
    }

    /** A one-dimensional int64 constant (shapes, paddings). */
    public void int64Constant(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        graph.message(GRAPH_INITIALIZER, tensor(name, DATA_TYPE_INT64, raw.array(), values.length));
    }

    /** A node of the standard operator set without attributes. */
    public void node(String opType, String output, String... inputs) {
        node(opType, output, Map.of(), inputs);
    }

    /** A node of the standard operator set with integer attributes. */
    public void node(String opType, String output, Map<String, Long> intAttributes, String... inputs) {
        Protobuf node = new Protobuf();
        for (String input : inputs) {
            node.string(NODE_INPUT, input);
        }
        node.string(NODE_OUTPUT, output);
        node.string(NODE_OP_TYPE, opType);
        intAttributes.forEach((name, value) -> node.message(NODE_ATTRIBUTE, new Protobuf()
                .string(ATTRIBUTE_NAME, name).varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT).varint(ATTRIBUTE_I, value)));
        graph.message(GRAPH_NODE, node);
    }

    /** A metadata entry of the model (runtimes hand these to their users, e.g. ONNX Runtime's custom metadata). */
    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** The model file's bytes. */
    public byte[] toByteArray() {
        Protobuf model = new Protobuf()
                .varint(MODEL_IR_VERSION, IR_VERSION)
                .message(MODEL_OPSET_IMPORT, new Protobuf().varint(OPSET_ID_VERSION, OPSET))
                .string(MODEL_PRODUCER_NAME, PRODUCER)
                .string(MODEL_DOC_STRING, docString)
                .message(MODEL_GRAPH, graph);
        metadata.forEach((key, value) -> model.message(MODEL_METADATA_PROPS,
                new Protobuf().string(ENTRY_KEY, key).string(ENTRY_VALUE, value)));
        return model.toByteArray();
    }

    /** Writes the model file atomically (see {@link AtomicFiles}) and returns its size in bytes. */
    public long write(Path file) throws IOException {
        byte[] bytes = toByteArray();
        AtomicFiles.write(file, out -> out.write(bytes));
        return bytes.length;
    }

    private int elementType() {
        return precision == Precision.F32 ? DATA_TYPE_FLOAT : DATA_TYPE_DOUBLE;
    }

    private static Protobuf tensor(String name, int dataType, byte[] raw, long... dims) {
        Protobuf tensor = new Protobuf();
        for (long d : dims) {
            tensor.varint(TENSOR_DIMS, d);
        }
        return tensor.varint(TENSOR_DATA_TYPE, dataType).string(TENSOR_NAME, name).bytes(TENSOR_RAW_DATA, raw);
    }

    private Protobuf batchTensor(String name, int columns) {
        Protobuf shape = new Protobuf()
                .message(SHAPE_DIM, new Protobuf().string(DIMENSION_PARAM, BATCH))
                .message(SHAPE_DIM, new Protobuf().varint(DIMENSION_VALUE, columns));
        Protobuf tensorType = new Protobuf().varint(TENSOR_TYPE_ELEM_TYPE, elementType())
                .message(TENSOR_TYPE_SHAPE, shape);
        return new Protobuf().string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new Protobuf().message(TYPE_TENSOR_TYPE, tensorType));
    }

    private static long elements(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
