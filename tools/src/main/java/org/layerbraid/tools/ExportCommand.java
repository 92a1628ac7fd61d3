package org.layerbraid.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.layerbraid.mgrit.io.OnnxModel;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.OnnxExport;
import org.layerbraid.vecmath.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code layerbraid export}: a saved model as a file another runtime serves (ONNX). */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a model from 'layerbraid train' as an ONNX graph that any ONNX runtime can serve.",
            "Input '" + OnnxExport.INPUT + "': batch × raw features (the training standardisation is inside the graph); "
                + "output '" + OnnxExport.OUTPUT + "': batch × class probabilities. Class names are in the "
                + "metadata under '" + OnnxExport.CLASS_NAMES_KEY + "'."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "onnx", description = "Output format: onnx (default ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.safetensors from a training run.")
    Path model;
    @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "The file to write.")
    Path out;
    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!format.equalsIgnoreCase("onnx")) {
            throw new ParameterException(spec.commandLine(), "unknown --format '" + format + "': only onnx is supported");
        }
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model file " + model + (Files.exists(model) ? " is not a file"
                    : " does not exist"));
        }
        Path folder = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("cannot write " + out + ": the folder " + folder + " does not exist");
        }
        if (Files.exists(out)) {
            if (Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " is a folder: name the file to write");
            }
            if (Files.isSameFile(out, model)) {
                throw new IllegalArgumentException("--out " + out + " is the model file itself");
            }
            if (!force) {
                throw new IllegalArgumentException(out + " exists: give --force to replace it");
            }
        }
        OnnxExport.Exported exported = OnnxExport.write(model, out);
        NetworkConfig c = exported.config();
        String type = c.precision() == Precision.F32 ? "float" : "double";
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s: input %s [batch × %d %s, raw features], output %s "
                + "[batch × %d %s], ONNX opset %d, %s%n", out, OnnxExport.INPUT, c.features(), type,
                OnnxExport.OUTPUT, c.classes(), type, OnnxModel.OPSET, size(exported.bytes()));
        return 0;
    }

    private static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " bytes";
        }
        return bytes < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
