package io.streamrl.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and overrides the components of a flat configuration record by kebab-case key
 * ({@code actorLr} is {@code actor-lr}), so that a command line, a file and a log line all
 * speak the same names. Supported component types: int, long, double, boolean, String, enums
 * and {@code List<Integer>} (written {@code 256,256}). Validation stays in the record's
 * constructor, which the override goes through.
 *
 * <p>A component that is itself a record (a group such as the exploration settings) is
 * flattened: its keys stand beside the outer record's own, so a group can be shared by several
 * configurations without changing a command line or a log line. Keys must stay unique across
 * the flattened record.
 */
public final class RecordOptions {

    private RecordOptions() {
    }

    /** The kebab-case key of a component name. */
    public static String key(String componentName) {
        StringBuilder sb = new StringBuilder();
        for (char ch : componentName.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('-').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Every component as key to value, in declaration order. */
    public static Map<String, Object> describe(Record record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object value = read(record, c);
            Map<String, Object> entries = new LinkedHashMap<>();
            if (value instanceof Record group) {
                entries.putAll(describe(group));
            } else {
                entries.put(key(c.getName()), value);
            }
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                if (out.containsKey(e.getKey())) {
                    throw new IllegalStateException("setting key '" + e.getKey() + "' appears twice in "
                            + record.getClass().getSimpleName() + " once its groups are flattened");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** One line {@code key=value key=value ...} for a start-up log. */
    public static String toLogLine(Record record) {
        return describe(record).entrySet().stream()
                .map(e -> e.getKey() + "=" + format(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    /**
     * A copy of {@code base} with the given keys replaced by parsed values.
     *
     * @throws IllegalArgumentException for an unknown key (listing the valid ones), an
     *     unparsable value, or a value the record's validation rejects
     */
    public static <R extends Record> R with(R base, Map<String, String> overrides) {
        Map<String, String> byKey = new LinkedHashMap<>();
        overrides.forEach((k, v) -> byKey.put(k.trim().toLowerCase(Locale.ROOT), v));
        Set<String> known = describe(base).keySet();
        for (String k : overrides.keySet()) {
            if (!known.contains(k.trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("unknown setting '" + k + "' for "
                        + base.getClass().getSimpleName() + ", valid: " + String.join(", ", known));
            }
        }
        return rebuild(base, byKey);
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R rebuild(R base, Map<String, String> overrides) {
        RecordComponent[] components = base.getClass().getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean changed = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            Object value = read(base, c);
            String k = key(c.getName());
            if (value instanceof Record group) {
                Record rebuilt = rebuild(group, overrides);
                changed |= rebuilt != group;
                value = rebuilt;
            } else if (overrides.containsKey(k)) {
                value = parse(k, overrides.get(k), c);
                changed = true;
            }
            args[i] = value;
            types[i] = c.getType();
        }
        if (!changed) {
            return base;
        }
        try {
            Constructor<?> ctor = base.getClass().getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return (R) ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild " + base.getClass().getName(), e);
        }
    }

    private static Object read(Record record, RecordComponent c) {
        try {
            c.getAccessor().setAccessible(true);
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == long.class) {
            return "an integer";
        }
        return type == double.class ? "a number" : "a comma-separated list of integers such as 256,256";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object parse(String key, String raw, RecordComponent c) {
        String v = raw == null ? "" : raw.trim();
        Class<?> t = c.getType();
        try {
            if (t == int.class) {
                return Integer.parseInt(v.replace("_", ""));
            } else if (t == long.class) {
                return Long.parseLong(v.replace("_", ""));
            } else if (t == double.class) {
                return Double.parseDouble(v.replace("_", ""));
            } else if (t == boolean.class) {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(key + " must be true or false, got '" + raw + "'");
                }
                return Boolean.parseBoolean(v);
            } else if (t == String.class) {
                return v;
            } else if (t.isEnum()) {
                for (Object constant : t.getEnumConstants()) {
                    if (((Enum) constant).name().equalsIgnoreCase(v)) {
                        return constant;
                    }
                }
                List<String> names = new ArrayList<>();
                for (Object constant : t.getEnumConstants()) {
                    names.add(((Enum) constant).name().toLowerCase(Locale.ROOT));
                }
                throw new IllegalArgumentException(key + " must be one of " + names + ", got '" + raw + "'");
            } else if (t == List.class && isListOf(c.getGenericType(), Integer.class)) {
                List<Integer> out = new ArrayList<>();
                for (String part : v.split("[,x ]+")) {
                    if (!part.isEmpty()) {
                        out.add(Integer.parseInt(part));
                    }
                }
                return List.copyOf(out);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be " + expected(t) + ", got '" + raw + "'");
        }
        throw new IllegalStateException("unsupported setting type " + t + " for " + key);
    }

    private static boolean isListOf(Type type, Class<?> element) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments()[0] == element;
    }

    private static String format(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }
}
