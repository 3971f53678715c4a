package io.streamrl.producer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** The file formats of replay and export. */
public enum FileFormat {
    /** Comma-separated values with a header: {@code obs_0..,action_0..,reward,next_obs_0..,terminated,truncated}. */
    CSV("csv"),
    /** One JSON object per line, with the transition schema's field names. */
    JSONL("jsonl"),
    /** An Avro object container file of the record type. */
    AVRO("avro");

    private final String extension;

    FileFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The format a {@code --format} value names. */
    public static FileFormat named(String name) {
        for (FileFormat f : values()) {
            if (f.extension.equalsIgnoreCase(name == null ? "" : name.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("format must be one of " + Arrays.toString(extensions()) + ", got '"
                + name + "'");
    }

    /**
     * The format a file's extension names ({@code .csv}, {@code .jsonl} or {@code .json},
     * {@code .avro}).
     *
     * @throws IllegalArgumentException naming the file when the extension says nothing
     */
    public static FileFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSONL;
        }
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            for (FileFormat f : values()) {
                if (f.extension.equals(name.substring(dot + 1))) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("cannot tell the format of " + file + " from its name; end it in "
                + Arrays.toString(extensions()) + " or give --format");
    }

    private static String[] extensions() {
        return Arrays.stream(values()).map(FileFormat::extension).toArray(String[]::new);
    }
}
