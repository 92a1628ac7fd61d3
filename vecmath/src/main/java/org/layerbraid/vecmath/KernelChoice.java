package org.layerbraid.vecmath;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Decides, once per JVM, whether the vectorised kernels will pay off here, in the spirit of Lucene's vectorization
 * provider: the incubator module must be readable, the JIT must be HotSpot's C2 (the interpreter and C1 box every
 * vector, which makes the Panama kernels many times slower than the scalar ones), and the preferred vector species
 * must be at least 128 bits wide. Otherwise the scalar kernels are chosen and {@link #reason()} says why.
 */
final class KernelChoice {
    private final Kernels kernels;
    private final String reason;

    private KernelChoice(Kernels kernels, String reason) {
        this.kernels = kernels;
        this.reason = reason;
    }

    static KernelChoice choose(Kernels scalar) {
        String forced = System.getProperty(Kernels.PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (forced) {
            case "scalar":
                return new KernelChoice(scalar, "forced by -D" + Kernels.PROPERTY + "=scalar");
            case "panama":
                return new KernelChoice(Kernels.panama(), "forced by -D" + Kernels.PROPERTY + "=panama");
            case "":
                break;
            default:
                throw new IllegalStateException("system property " + Kernels.PROPERTY + "='" + forced
                        + "' is not understood: use panama or scalar");
        }
        if (!Kernels.panamaAvailable()) {
            return new KernelChoice(scalar, "the JVM was started without --add-modules jdk.incubator.vector");
        }
        String compiler = c2Missing();
        if (compiler != null) {
            return new KernelChoice(scalar, compiler);
        }
        int bits = Kernels.panamaVectorBits();
        if (bits < 128) {
            return new KernelChoice(scalar, "the preferred vector species is only " + bits + " bits wide");
        }
        return new KernelChoice(Kernels.panama(), bits + "-bit vectors, C2");
    }

    /** Why C2 will not compile the kernels, or null when it will. */
    private static String c2Missing() {
        String vm = System.getProperty("java.vm.name", "");
        if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            return "the JVM (" + vm + ") is not HotSpot";
        }
        if (System.getProperty("java.vm.info", "").contains("interpreted")) {
            return "the JVM runs interpreted only (-Xint)";
        }
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (Integer.parseInt(bean.getVMOption("TieredStopAtLevel").getValue()) < 4
                    && Boolean.parseBoolean(bean.getVMOption("TieredCompilation").getValue())) {
                return "tiered compilation stops before C2 (-XX:TieredStopAtLevel < 4)";
            }
        } catch (RuntimeException | LinkageError e) {
            return null; // the management module is absent: trust the VM name
        }
        return null;
    }

    Kernels kernels() {
        return kernels;
    }

    String reason() {
        return reason;
    }
}
