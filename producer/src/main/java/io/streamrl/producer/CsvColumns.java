package io.streamrl.producer;

import java.util.ArrayList;
import java.util.List;

/**
 * The CSV layout of transitions, read by replay and written by export: the required columns
 * {@code obs_0..obs_{n-1}, action_0..action_{m-1}, reward, next_obs_0..next_obs_{n-1},
 * terminated, truncated}, then optional ones. Booleans are {@code true}/{@code false};
 * {@code timestamp} is epoch milliseconds (or, read, an ISO-8601 instant); {@code log_density}
 * is the behaviour policy's log-density of the normalised action, empty when unknown.
 */
final class CsvColumns {

    static final String REWARD = "reward";
    static final String TERMINATED = "terminated";
    static final String TRUNCATED = "truncated";
    static final String EPISODE = "episode";
    static final String STEP = "step";
    static final String TIMESTAMP = "timestamp";
    static final String LOG_DENSITY = "log_density";
    static final String ACTOR_ID = "actor_id";
    static final String POLICY_VERSION = "policy_version";
    /** The optional columns, in the order export writes them. */
    static final List<String> OPTIONAL = List.of(EPISODE, STEP, TIMESTAMP, LOG_DENSITY, ACTOR_ID, POLICY_VERSION);

    private CsvColumns() {
    }

    static String observation(int i) {
        return "obs_" + i;
    }

    static String nextObservation(int i) {
        return "next_obs_" + i;
    }

    static String action(int i) {
        return "action_" + i;
    }

    /** The required columns for these sizes, in order. */
    static List<String> required(int observationDim, int actionDim) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < observationDim; i++) {
            names.add(observation(i));
        }
        for (int i = 0; i < actionDim; i++) {
            names.add(action(i));
        }
        names.add(REWARD);
        for (int i = 0; i < observationDim; i++) {
            names.add(nextObservation(i));
        }
        names.add(TERMINATED);
        names.add(TRUNCATED);
        return names;
    }

    /** Every column export writes. */
    static List<String> all(int observationDim, int actionDim) {
        List<String> names = required(observationDim, actionDim);
        names.addAll(OPTIONAL);
        return names;
    }
}
