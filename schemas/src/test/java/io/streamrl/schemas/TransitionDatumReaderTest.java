package io.streamrl.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrl.schemas.avro.Transition;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransitionDatumReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsAContainerOfTheCurrentVersionAsAvroDoes() throws IOException {
        RecordCodec<Transition> codec = RecordCodec.transition();
        File file = dir.resolve("current.avro").toFile();
        List<Transition> written = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(21);
        try (DataFileWriter<Transition> out = new DataFileWriter<>(codec.containerWriter())) {
            // Small blocks, so that records span many of them.
            out.setSyncInterval(2_000);
            out.create(codec.currentSchema(), file);
            for (int i = 0; i < 2_000; i++) {
                Transition t = TransitionWriterTest.random(r, i);
                written.add(t);
                out.append(t);
            }
        }
        assertThat(readAll(file, new TransitionDatumReader())).isEqualTo(written)
                .isEqualTo(readAll(file, codec.containerReader()));
    }

    @Test
    void readsAnOlderVersionThroughAvrosResolution() throws IOException {
        Schema v1 = SchemaHistory.versions("Transition").get(0).schema();
        File file = dir.resolve("v1.avro").toFile();
        try (DataFileWriter<GenericRecord> out = new DataFileWriter<>(new GenericDatumWriter<>(v1))) {
            out.create(v1, file);
            for (int i = 0; i < 3; i++) {
                GenericRecord old = new GenericData.Record(v1);
                old.put("actor_id", "actor-" + i);
                old.put("env_id", "Pendulum-v1");
                old.put("episode", 4L);
                old.put("step", 1 + i);
                old.put("observation", List.of(-0.5f, 0.01f, 2f));
                old.put("action", List.of(0.75f));
                old.put("reward", -0.05625);
                old.put("next_observation", List.of(-0.49f, 0.02f, 1f));
                old.put("terminated", false);
                old.put("truncated", true);
                old.put("policy_version", -1L);
                old.put("exploration_noise", List.of());
                old.put("event_time", SampleRecords.TIME.toEpochMilli());
                out.append(old);
            }
        }
        List<Transition> read = readAll(file, new TransitionDatumReader());
        assertThat(read).hasSize(3).isEqualTo(readAll(file, RecordCodec.transition().containerReader()));
        assertThat(read.get(2).getActorId()).isEqualTo("actor-2");
        assertThat(read.get(2).getDecisionId()).isNull();
        assertThat(read.get(2).getJoin()).isNull();
    }

    private static List<Transition> readAll(File file, DatumReader<Transition> datumReader) throws IOException {
        List<Transition> out = new ArrayList<>();
        try (DataFileReader<Transition> in = new DataFileReader<>(file, datumReader)) {
            while (in.hasNext()) {
                out.add(in.next());
            }
        }
        return out;
    }
}
