package io.streamrl.actor.serve;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Decision ids that carry their entity: {@code base64url(entity) "." unique}. Whichever serve
 * instance receives a reward can then key it by the entity, as its decision was keyed, so the
 * reward lands in the decision's partition without a lookup. {@code unique} is the caller's own
 * id when it sent one ({@code [A-Za-z0-9_-]{1,64}}), else 16 random hex digits.
 */
public final class DecisionIds {

    /** Longest entity, in characters. */
    public static final int MAX_ENTITY_LENGTH = 256;
    public static final int MAX_UNIQUE_LENGTH = 64;

    private static final Pattern UNIQUE = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_UNIQUE_LENGTH + "}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private DecisionIds() {
    }

    /** Why {@code entity} is not acceptable, or null when it is. */
    public static String entityProblem(String entity) {
        if (entity == null || entity.isEmpty()) {
            return "entity must be a non-empty string";
        }
        if (entity.length() > MAX_ENTITY_LENGTH) {
            return "entity must have at most " + MAX_ENTITY_LENGTH + " characters, got " + entity.length();
        }
        for (int i = 0; i < entity.length(); i++) {
            if (Character.isISOControl(entity.charAt(i))) {
                return "entity must not contain control characters (found one at index " + i + ")";
            }
        }
        return null;
    }

    /** Why a caller's own id is not acceptable, or null when it is. */
    public static String uniqueProblem(String unique) {
        return idProblem("decision_id", unique);
    }

    /** Why a caller's id for field {@code field} (a decision's unique part, a reward id) is not acceptable, or null. */
    public static String idProblem(String field, String id) {
        return id != null && UNIQUE.matcher(id).matches() ? null
                : field + " must be 1 to " + MAX_UNIQUE_LENGTH + " characters from [A-Za-z0-9_-]";
    }

    /** The id of a new decision for {@code entity}: the caller's {@code unique} part, or a random one. */
    public static String create(String entity, String unique, SplittableRandom random) {
        String tail = unique != null ? unique : String.format("%016x", random.nextLong());
        return ENCODER.encodeToString(entity.getBytes(StandardCharsets.UTF_8)) + "." + tail;
    }

    /**
     * The entity a decision id was made for.
     *
     * @throws IllegalArgumentException naming {@code decision_id} when the id was not made by {@link #create}
     */
    public static String entityOf(String decisionId) {
        int dot = decisionId == null ? -1 : decisionId.lastIndexOf('.');
        if (dot <= 0 || uniqueProblem(decisionId.substring(dot + 1)) != null) {
            throw malformed();
        }
        String entity;
        try {
            entity = new String(DECODER.decode(decisionId.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        if (entityProblem(entity) != null) {
            throw malformed();
        }
        return entity;
    }

    private static IllegalArgumentException malformed() {
        return new IllegalArgumentException("decision_id is not one this service issued: expected the decision_id"
                + " a POST /v1/decisions answered");
    }
}
