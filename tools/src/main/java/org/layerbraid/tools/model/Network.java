package org.layerbraid.tools.model;

/**
 * How workers talk: threads of one process share memory (no messages); processes send messages costing
 * {@code latency + bytes / bandwidth} each.
 *
 * @param latency   α, seconds per message
 * @param bandwidth β, bytes per second
 */
public record Network(double latency, double bandwidth) {
    /** Threads in one process. */
    public static final Network SHARED_MEMORY = new Network(0, Double.POSITIVE_INFINITY);

    public Network {
        if (!(latency >= 0) || !(bandwidth > 0) || Double.isInfinite(latency)) {
            throw new IllegalArgumentException("latency must be ≥ 0 and finite and bandwidth > 0, got " + latency
                    + " s and " + bandwidth + " B/s");
        }
    }

    /** Whether messages cost anything. */
    boolean sharedMemory() {
        return latency == 0 && Double.isInfinite(bandwidth);
    }

    /** The time of one message of {@code bytes}. */
    double message(double bytes) {
        return sharedMemory() ? 0 : latency + bytes / bandwidth;
    }
}
