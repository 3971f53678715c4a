package io.streamrl.core.env;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One golden-vector file (layout: ENVS.md, "Golden file format"), parsed into plain values. */
record GoldenFile(Path path, Header header, List<Case> cases) {

    /** The header fields the checks use. */
    record Header(String env, String gymnasiumCommit, int maxEpisodeSteps, int observationDim,
                  JsonNode actionSpace, int caseCount, int stepCount) {
    }

    record Case(String name, double[] initialState, double[] initialObs, int rolloutStableSteps,
                List<Step> steps) {
    }

    /** One recorded step; a discrete action is held as its index in a one-entry array. */
    record Step(double[] action, double[] obs, double[] state, double reward, boolean terminated,
                boolean truncated) {

        boolean done() {
            return terminated || truncated;
        }
    }

    static GoldenFile read(Path path, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file " + path, e);
        }
        JsonNode h = required(root, "header", path);
        Header header = new Header(
                required(h, "env", path).asText(),
                required(h, "gymnasium_commit", path).asText(),
                required(h, "max_episode_steps", path).asInt(),
                required(required(h, "observation_space", path), "shape", path).get(0).asInt(),
                required(h, "action_space", path),
                required(h, "case_count", path).asInt(),
                required(h, "step_count", path).asInt());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : required(root, "cases", path)) {
            List<Step> steps = new ArrayList<>();
            for (JsonNode s : required(c, "steps", path)) {
                steps.add(new Step(
                        numbers(required(s, "action", path)),
                        numbers(required(s, "obs", path)),
                        numbers(required(s, "state", path)),
                        required(s, "reward", path).asDouble(),
                        required(s, "terminated", path).asBoolean(),
                        required(s, "truncated", path).asBoolean()));
            }
            cases.add(new Case(
                    required(c, "name", path).asText(),
                    numbers(required(c, "initial_state", path)),
                    numbers(required(c, "initial_obs", path)),
                    required(c, "rollout_stable_steps", path).asInt(),
                    List.copyOf(steps)));
        }
        return new GoldenFile(path, header, List.copyOf(cases));
    }

    int totalSteps() {
        return cases.stream().mapToInt(c -> c.steps().size()).sum();
    }

    /** A number or a list of numbers; the strings "inf" and "-inf" stand for infinities. */
    static double[] numbers(JsonNode node) {
        if (!node.isArray()) {
            return new double[] {number(node)};
        }
        double[] values = new double[node.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = number(node.get(i));
        }
        return values;
    }

    private static double number(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return switch (node.asText()) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("not a number in golden file: " + node);
        };
    }

    private static JsonNode required(JsonNode parent, String field, Path path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("golden file " + path + " lacks field '" + field + "'");
        }
        return node;
    }
}
