package io.streamrl.core.compute;

import java.util.List;
import java.util.Locale;

/** Creates compute backends by name and knows which ones this JVM can run. */
public final class ComputeBackends {

    public static final String VECTOR = "vector";
    public static final String ND4J = "nd4j";
    /** Plain scalar Java: no warm-up, for short runs of small networks (see {@code ScalarBackend}). */
    public static final String SCALAR = "scalar";
    public static final List<String> NAMES = List.of(VECTOR, ND4J, SCALAR);

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "io.streamrl.core.compute.vector.VectorBackend";
    private static final String ND4J_CLASS = "io.streamrl.core.compute.nd4j.Nd4jBackend";
    private static final String SCALAR_CLASS = "io.streamrl.core.compute.scalar.ScalarBackend";

    private ComputeBackends() {
    }

    /** True when the JVM was started with {@code --add-modules jdk.incubator.vector}. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** {@code vector} when the Vector API module is present, else {@code nd4j}. */
    public static String defaultName() {
        return vectorApiAvailable() ? VECTOR : ND4J;
    }

    /**
     * Creates the named backend. The classes are loaded reflectively so that a JVM without the
     * incubator module never links against {@code jdk.incubator.vector}.
     *
     * @throws IllegalArgumentException for an unknown name, or {@code vector} without the module
     */
    public static ComputeBackend create(String name) {
        return create(name, 1);
    }

    /**
     * Creates the named backend using up to {@code threads} threads for large products.
     *
     * @throws IllegalArgumentException for an unknown name, {@code vector} without the module,
     *     or a thread count outside [1, 256]
     */
    public static ComputeBackend create(String name, int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
        }
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case VECTOR -> {
                if (!vectorApiAvailable()) {
                    throw new IllegalArgumentException("backend 'vector' needs the JDK Vector API: start the JVM"
                            + " with --add-modules " + VECTOR_MODULE + " (bin/streamrl does), or choose --backend "
                            + ND4J);
                }
                yield instantiate(VECTOR_CLASS, threads);
            }
            case ND4J -> instantiate(ND4J_CLASS, threads);
            case SCALAR -> instantiate(SCALAR_CLASS, threads);
            default -> throw new IllegalArgumentException("unknown backend '" + name + "', valid: " + NAMES);
        };
    }

    private static ComputeBackend instantiate(String className, int threads) {
        try {
            return (ComputeBackend) Class.forName(className).getDeclaredConstructor(int.class).newInstance(threads);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot create compute backend " + className + ": " + e.getCause(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create compute backend " + className + ": " + e, e);
        }
    }
}
