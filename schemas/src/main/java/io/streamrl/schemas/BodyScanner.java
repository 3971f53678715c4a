package io.streamrl.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Walks a binary-encoded body against its writer schema without building anything.
 *
 * <p>Avro's reader sizes an array by the item count the body claims before it finds out the
 * items are not there, so a corrupt count could claim billions of items and exhaust the
 * learner's heap. Here every count and length is checked against the bytes that remain before
 * anything is read, and the walk finds where the body ends, so left-over bytes show too.
 */
final class BodyScanner {

    private final BinaryDecoder in;
    private final InputStream remaining;

    private BodyScanner(byte[] bytes, int offset) {
        // Read straight from the array (a direct decoder over a stream costs a synchronized call per byte);
        // the decoder's view of the array tells exactly how many bytes the walk has not consumed.
        this.in = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
        this.remaining = in.inputStream();
    }

    /**
     * Returns how many bytes are left after one datum of {@code writer} starting at {@code offset}.
     *
     * @throws EOFException when a count, a length or a value runs past the end of the bytes
     * @throws IOException when the bytes cannot be a datum of {@code writer} at all
     */
    static int bytesLeftAfterDatum(Schema writer, byte[] bytes, int offset) throws IOException {
        BodyScanner scanner = new BodyScanner(bytes, offset);
        scanner.walk(writer);
        return scanner.remaining.available();
    }

    private void walk(Schema schema) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema());
                }
            }
            case UNION -> {
                int branch = in.readIndex();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new IOException("union branch " + branch + " does not exist (the union has "
                            + schema.getTypes().size() + ")");
                }
                walk(schema.getTypes().get(branch));
            }
            // Every item of this project's arrays and maps takes at least one byte, so a block
            // claiming more items than bytes remain cannot be complete.
            case ARRAY -> {
                for (long items = in.readArrayStart(); items > 0; items = in.arrayNext()) {
                    requireRemaining(items, "array items");
                    for (long i = 0; i < items; i++) {
                        walk(schema.getElementType());
                    }
                }
            }
            case MAP -> {
                for (long entries = in.readMapStart(); entries > 0; entries = in.mapNext()) {
                    requireRemaining(entries, "map entries");
                    for (long i = 0; i < entries; i++) {
                        skipLengthPrefixed("map key");
                        walk(schema.getValueType());
                    }
                }
            }
            case STRING -> skipLengthPrefixed("string");
            case BYTES -> skipLengthPrefixed("bytes");
            case FIXED -> {
                requireRemaining(schema.getFixedSize(), "fixed bytes");
                in.skipFixed(schema.getFixedSize());
            }
            case ENUM -> {
                int symbol = in.readEnum();
                if (symbol < 0 || symbol >= schema.getEnumSymbols().size()) {
                    throw new IOException("enum " + schema.getName() + " has no symbol " + symbol + " (it has "
                            + schema.getEnumSymbols().size() + ")");
                }
            }
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case BOOLEAN -> in.readBoolean();
            case NULL -> in.readNull();
        }
    }

    private void skipLengthPrefixed(String what) throws IOException {
        long length = in.readLong();
        if (length < 0) {
            throw new IOException(what + " length is negative (" + length + ")");
        }
        requireRemaining(length, what);
        in.skipFixed((int) length);
    }

    private void requireRemaining(long claimed, String what) throws IOException {
        int left = remaining.available();
        if (claimed > left) {
            throw new EOFException("the body claims " + claimed + " " + what + " but only " + left
                    + " bytes remain");
        }
    }
}
