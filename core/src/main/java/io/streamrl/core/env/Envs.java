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

    private record Entry(String id, String shortName, Function<SplittableRandom, Env> factory) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(PendulumEnv.ID, "pendulum", PendulumEnv::new),
            new Entry(MountainCarContinuousEnv.ID, "mountaincar", MountainCarContinuousEnv::new),
            new Entry(CartPoleEnv.ID, "cartpole", CartPoleEnv::new),
            new Entry(PricingEnv.ID, "pricing", PricingEnv::new));

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
        Entry entry = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (entry == null) {
            throw new IllegalArgumentException("unknown environment '" + name + "'; valid names (any case): "
                    + String.join(", ", names()));
        }
        return entry.factory().apply(random);
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
