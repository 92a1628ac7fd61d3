package org.layerbraid.mgrit.io;

import java.io.IOException;

/** A consumer that may throw {@link IOException}: the body that fills a file in {@link AtomicFiles#write}. */
@FunctionalInterface
public interface IOConsumer<T> {
    /** Consumes {@code value}, e.g. writes to it. */
    void accept(T value) throws IOException;
}
