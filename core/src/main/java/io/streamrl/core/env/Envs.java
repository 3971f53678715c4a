package io.streamrl.core.env;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The environments streamrl knows, by Gymnasium id ({@code Pendulum-v1}, …) or short name
 * ({@code pendulum}, …), matched case-insensitively.
 */
public final class Envs {

    private record Entry(String shortName, EnvSpec spec, Function<SplittableRandom, Env> factory) {
        String id() {
            return spec.id();
        }
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry("pendulum", PendulumEnv.SPEC, PendulumEnv::new),
            new Entry("mountaincar", MountainCarContinuousEnv.SPEC, MountainCarContinuousEnv::new),
            new Entry("cartpole", CartPoleEnv.SPEC, CartPoleEnv::new),
            new Entry("pricing", PricingEnv.SPEC, PricingEnv::new));

    private static final Map<String, Entry> BY_NAME = index();

    private Envs() {
    }

    /**
     * A new environment.
     *
     * @param name a Gymnasium id or short name, any case (see {@link #names()})
     * @param random the environment's generator; it becomes the generator's only user
     * @throws IllegalArgumentException when the name is unknown; the message lists the valid names
     */
    public static Env make(String name, SplittableRandom random) {
        Objects.requireNonNull(random, "random");
        return entry(name).factory().apply(random);
    }

    /**
     * The description of an environment (dimensions, bounds, time limit), without making one.
     *
     * @param name a Gymnasium id or short name, any case (see {@link #names()})
     * @throws IllegalArgumentException when the name is unknown; the message lists the valid names
     */
    public static EnvSpec spec(String name) {
        return entry(name).spec();
    }

    private static Entry entry(String name) {
        Entry entry = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (entry == null) {
            throw new IllegalArgumentException("unknown environment '" + name + "'; valid names (any case): "
                    + String.join(", ", names()));
        }
        return entry;
    }

    /** Every accepted name: the Gymnasium ids first, then the short names. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        ENTRIES.forEach(e -> names.add(e.id()));
        ENTRIES.forEach(e -> names.add(e.shortName()));
        return Collections.unmodifiableList(names);
    }

    private static Map<String, Entry> index() {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : ENTRIES) {
            byName.put(e.id().toLowerCase(Locale.ROOT), e);
            byName.put(e.shortName(), e);
        }
        return Collections.unmodifiableMap(byName);
    }
}
