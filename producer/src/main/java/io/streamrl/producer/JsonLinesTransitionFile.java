package io.streamrl.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamrl.producer.BadRowException.Reason;
import io.streamrl.schemas.TransitionFields;
import io.streamrl.schemas.avro.JoinOutcome;
import io.streamrl.schemas.avro.JoinResult;
import io.streamrl.schemas.avro.Transition;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON object per line, with the transition schema's field names, as {@link Export} writes
 * them: {@code observation}, {@code action}, {@code reward}, {@code next_observation},
 * {@code terminated}, {@code truncated} required; {@code actor_id}, {@code env_id},
 * {@code episode}, {@code step}, {@code event_time}, {@code policy_version},
 * {@code exploration_noise}, {@code decision_id}, {@code log_density} and {@code join}
 * optional. {@code NaN} and {@code Infinity} tokens (Python's {@code json} writes them) parse, to be
 * refused as not finite.
 */
final class JsonLinesTransitionFile implements TransitionFile {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final Path path;
    private final TransitionShape shape;
    private final Defaults defaults;
    private final CountingInputStream counted;
    private final BufferedReader reader;
    private final RowValues values;
    private long line;

    JsonLinesTransitionFile(Path path, TransitionShape shape, Defaults defaults) throws IOException {
        this.path = path;
        this.shape = shape;
        this.defaults = defaults;
        this.counted = new CountingInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
        this.reader = new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8), 1 << 16);
        this.values = new RowValues(path);
    }

    @Override
    public Row next() throws IOException {
        String text;
        do {
            text = reader.readLine();
            if (text == null) {
                return null;
            }
            line++;
        } while (text.isBlank());
        values.line(line);
        String read = text;
        try {
            return new Row(line, () -> read, TransitionFields.of(transition(text)), null);
        } catch (BadRowException e) {
            return new Row(line, () -> read, null, e);
        }
    }

    private Transition transition(String text) throws BadRowException {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw values.bad(Reason.MALFORMED, "not JSON: " + e.getOriginalMessage() + " at column "
                    + e.getLocation().getColumnNr());
        }
        if (o == null || !o.isObject()) {
            throw values.bad(Reason.MALFORMED, "not a JSON object");
        }
        String envId = text(o, "env_id", shape.envId());
        JsonNode join = o.get("join");
        return Transition.newBuilder()
                .setActorId(text(o, "actor_id", defaults.actorId()))
                .setEnvId(envId)
                .setEpisode(whole(o, "episode", 0))
                .setStep((int) whole(o, "step", line))
                .setObservation(vector(o, "observation", true))
                .setAction(vector(o, "action", true))
                .setReward(number(o, "reward"))
                .setNextObservation(vector(o, "next_observation", true))
                .setTerminated(bool(o, "terminated"))
                .setTruncated(bool(o, "truncated"))
                .setPolicyVersion(whole(o, "policy_version", -1))
                .setExplorationNoise(vector(o, "exploration_noise", false))
                .setEventTime(Instant.ofEpochMilli(whole(o, "event_time", defaults.eventTimeMillis())))
                .setDecisionId(present(o, "decision_id") ? text(o, "decision_id", null) : null)
                .setLogDensity(present(o, "log_density") ? number(o, "log_density") : null)
                .setJoin(present(o, "join") ? new JoinOutcome(joinResult(join), (int) whole(join, "reward_count", 0),
                        whole(join, "wait_ms", 0)) : null)
                .build();
    }

    private static boolean present(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && !v.isNull();
    }

    private String text(JsonNode o, String field, String otherwise) throws BadRowException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isTextual()) {
            throw values.bad(Reason.MALFORMED, field + " is " + RowValues.shorten(v.toString()) + "; allowed: a string");
        }
        return v.asText();
    }

    private double number(JsonNode o, String field) throws BadRowException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw values.bad(Reason.MISSING_VALUE, field + " is missing; allowed: a number");
        }
        if (!v.isNumber()) {
            throw values.bad(Reason.NOT_A_NUMBER, field + " is " + RowValues.shorten(v.toString())
                    + "; allowed: a number");
        }
        return v.doubleValue();
    }

    private long whole(JsonNode o, String field, long otherwise) throws BadRowException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw values.bad(Reason.NOT_A_NUMBER, field + " is " + RowValues.shorten(v.toString())
                    + "; allowed: a whole number");
        }
        return v.longValue();
    }

    private boolean bool(JsonNode o, String field) throws BadRowException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw values.bad(Reason.MISSING_VALUE, field + " is missing; allowed: true or false");
        }
        if (!v.isBoolean()) {
            throw values.bad(Reason.NOT_A_NUMBER, field + " is " + RowValues.shorten(v.toString())
                    + "; allowed: true or false");
        }
        return v.booleanValue();
    }

    private List<Float> vector(JsonNode o, String field, boolean required) throws BadRowException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw values.bad(Reason.MISSING_VALUE, field + " is missing; allowed: an array of numbers");
            }
            return List.of();
        }
        if (!v.isArray()) {
            throw values.bad(Reason.MALFORMED, field + " is " + RowValues.shorten(v.toString())
                    + "; allowed: an array of numbers");
        }
        List<Float> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber()) {
                throw values.bad(Reason.NOT_A_NUMBER, field + "[" + i + "] is " + RowValues.shorten(e.toString())
                        + "; allowed: a number");
            }
            out.add(e.floatValue());
        }
        return out;
    }

    private JoinResult joinResult(JsonNode join) throws BadRowException {
        String result = text(join, "result", null);
        try {
            return JoinResult.valueOf(result);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw values.bad(Reason.MALFORMED, "join.result is '" + result + "'; allowed: JOINED or DEFAULTED");
        }
    }

    @Override
    public long bytesRead() {
        return counted.count();
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
