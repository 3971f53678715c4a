package io.streamrl.producer;

import io.streamrl.schemas.TransitionDatumReader;
import io.streamrl.schemas.TransitionFields;
import io.streamrl.schemas.avro.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableFileInput;

/**
 * An Avro object container file of transitions, written with any version of the schema (Avro
 * resolves the file's writer schema to the current one). Rows are numbered by record, from 1.
 */
final class AvroTransitionFile implements TransitionFile {

    private final Path path;
    private final SeekableFileInput input;
    private final DataFileReader<Transition> reader;
    private long record;

    AvroTransitionFile(Path path) throws IOException {
        this.path = path;
        this.input = new SeekableFileInput(path.toFile());
        try {
            this.reader = new DataFileReader<>(input, new TransitionDatumReader());
        } catch (IOException | AvroRuntimeException e) {
            input.close();
            throw new BadFileException(path + " is not an Avro container file of transitions: " + e.getMessage(), e);
        }
    }

    @Override
    public Row next() throws IOException {
        try {
            if (!reader.hasNext()) {
                // Avro ends quietly at a block cut short; a complete file ends on a sync marker.
                long size = Files.size(path);
                if (reader.previousSync() < size) {
                    throw new BadFileException(path + " is corrupt or truncated after record " + record + ": its"
                            + " last complete block ends at byte " + reader.previousSync() + " of " + size);
                }
                return null;
            }
            Transition t = reader.next();
            record++;
            return new Row(record, t::toString, TransitionFields.of(t), null);
        } catch (AvroRuntimeException e) {
            throw new BadFileException(path + " is corrupt or truncated after record " + record + " (the block"
                    + " after byte " + reader.previousSync() + " of " + Files.size(path) + "): " + e.getMessage(), e);
        }
    }

    @Override
    public long bytesRead() {
        try {
            return input.tell();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
