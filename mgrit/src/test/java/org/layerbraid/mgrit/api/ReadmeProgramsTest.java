package org.layerbraid.mgrit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs of the README's "Use it as a library" section, compiled and run as a user would (each in a JVM of its
 * own, in the order the README gives, in one working directory), so the README cannot drift from the API.
 */
class ReadmeProgramsTest {
    private static final String IMPORTS = """
            import java.nio.file.Path;
            import java.util.Arrays;
            import org.layerbraid.mgrit.api.*;
            import org.layerbraid.mgrit.solver.MgritOptions;
            import org.layerbraid.mgrit.training.LayerParallelSettings;
            """;

    @TempDir
    Path dir;

    static List<String> programs() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("\n## Use it as a library");
        assertTrue(start >= 0, "README has no '## Use it as a library' section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    void theReadmeProgramsAreShortCompileAndRun() throws Exception {
        List<String> programs = programs();
        assertEquals(3, programs.size(), "the library section shows three programs");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < programs.size(); i++) {
            long lines = programs.get(i).lines().filter(l -> !l.isBlank()).count();
            assertTrue(lines <= 10, "README program " + (i + 1) + " has " + lines + " lines, more than 10");
            Path source = dir.resolve("Program" + i + ".java");
            Files.writeString(source, IMPORTS + "public class Program" + i + " {\n"
                    + "    public static void main(String[] args) throws Exception {\n" + programs.get(i) + "    }\n}\n");
            sources.add(source.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector", "-proc:none",
                "-nowarn"));
        args.addAll(sources);
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "the README programs compile");
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = classes + File.pathSeparator + System.getProperty("java.class.path");
        String[] expected = {"validation accuracy", "runs/mine", "u(4) = "};
        for (int i = 0; i < programs.size(); i++) {
            Path log = dir.resolve("program" + i + ".log");
            Process p = new ProcessBuilder(launcher, "--add-modules", "jdk.incubator.vector", "-cp", classpath,
                    "Program" + i).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "README program " + (i + 1) + " finishes");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "README program " + (i + 1) + " fails:\n" + output);
            assertTrue(i == 1 ? Files.exists(dir.resolve("runs/mine/model.safetensors")) : output.contains(expected[i]),
                    "README program " + (i + 1) + " printed:\n" + output);
        }
    }
}
