package io.streamrl.core.policy;

import io.streamrl.core.config.Check;

/**
 * The one rule for policy names: {@value Check#IDENTIFIER_RANGE}. A policy name is the Kafka
 * key of the policy topic, part of the learner's client ids and the {@code policy} tag of its
 * metrics, so it follows {@link Check#identifier}, the rule actor ids follow for the same
 * reasons. Learner settings, actor settings and every {@link PolicySnapshot} built or read
 * check it here, so a learner cannot publish a name that no actor accepts.
 */
public final class PolicyName {

    public static final int MAX_LENGTH = Check.MAX_IDENTIFIER_LENGTH;

    private PolicyName() {
    }

    /**
     * Returns {@code value} when it is a valid policy name.
     *
     * @param key what the caller calls the name in its message, e.g. {@code policy-name}
     * @throws IllegalArgumentException "{@code <key> must be 1 to 128 characters from [A-Za-z0-9._-], got '<value>'}"
     */
    public static String check(String key, String value) {
        return Check.identifier(key, value);
    }

    public static boolean isValid(String value) {
        return Check.isIdentifier(value);
    }
}
