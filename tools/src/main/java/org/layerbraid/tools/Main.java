package org.layerbraid.tools;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code layerbraid} command line. Errors end as one line on stderr and a non-zero exit code; the
 * {@code --debug} option (before or after the command name) shows the stack trace as well.
 */
@Command(name = "layerbraid", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Layer-parallel training of deep residual networks with MGRIT.",
        subcommands = {TrainCommand.class, PredictCommand.class, ExportCommand.class, VerifyCommand.class,
            BenchCommand.class, ModelCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'layerbraid --help'");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (for tests). */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = false;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.equals("--debug")) {
                debug = true;
            } else {
                rest.add(a);
            }
        }
        boolean showTrace = debug;
        if (followerRank()) {
            // Under an MPI launcher every rank parses the same command line and refuses it alike: rank 0 says why.
            err = new PrintWriter(java.io.Writer.nullWriter());
        }
        PrintWriter errors = err;
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(errors);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            errors.println("layerbraid: " + ex.getMessage());
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            errors.println("layerbraid " + commandLine.getCommandName() + ": " + describe(ex));
            if (showTrace) {
                ex.printStackTrace(errors);
            }
            return 1;
        });
        try {
            return cli.execute(rest.toArray(String[]::new));
        } catch (OutOfMemoryError e) {
            // The last resort: runs are estimated and refused before they allocate, but an estimate can fall short.
            err.println("layerbraid: out of memory (" + describe(e) + "); this JVM can use "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB of heap: ask for a smaller run or give the "
                    + "JVM more (JAVA_OPTS=-Xmx…)");
            if (showTrace) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** Whether this process is an MPI rank other than 0 (the launchers' environment says so before MPI starts). */
    private static boolean followerRank() {
        for (String variable : new String[] {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
            String v = System.getenv(variable);
            if (v != null) {
                return !v.strip().equals("0");
            }
        }
        return false;
    }

    /**
     * One line for an error: the outermost message that says more than its cause's (a wrapper's message is often
     * just the cause's type and message; the outer one names the file being written), or the type's name.
     */
    static String describe(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().isBlank() || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"layerbraid " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + ", kernels: " + org.layerbraid.vecmath.Kernels.defaults().name()};
        }
    }
}
