package org.layerbraid.bench;

import java.util.List;

/** The benchmark suites {@code layerbraid bench} can run, one question each. */
public enum Suite {
    /** Kernel GFLOP/s against the FMA probe's peak, f64 and f32, and the triad bandwidth probe. */
    KERNELS(FmaPeak.class, TriadBandwidth.class, ResidualStepBench.class, AdjointStepBench.class, GemmBench.class),
    /** Convolutional layer kernels (3 × 3, 8 channels of 28 × 28) in GFLOP/s against the FMA probe's peak. */
    CONV(FmaPeak.class, ConvStepBench.class),
    /** Serial forward+backward against its roofline: the FMA and triad probes and the points, in one run. */
    ROOFLINE(FmaPeak.class, TriadBandwidth.class, SerialGradientBench.class),
    /** The cost model's unit costs and serial forward+backward, on 1 thread and data-parallel. */
    SERIAL(LayerStepBench.class, SerialGradientBench.class),
    /** MGRIT forward V-cycle, adjoint V-cycle and one-shot step on P workers. */
    MGRIT(ForwardCycleBench.class, AdjointCycleBench.class, OneShotStepBench.class),
    /** The fixed cost of one parallel region of the worker pool. */
    POOL(PoolRegionBench.class),
    /** Inference latency of the Predictor: one example and batches of 16 and 64, f64 and f32. */
    PREDICT(PredictorBench.class);

    private final List<Class<?>> classes;

    Suite(Class<?>... classes) {
        this.classes = List.of(classes);
    }

    /** The benchmark classes of this suite. */
    public List<Class<?>> classes() {
        return classes;
    }
}
