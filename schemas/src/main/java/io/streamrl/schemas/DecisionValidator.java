package io.streamrl.schemas;

import io.streamrl.schemas.avro.Decision;
import io.streamrl.schemas.avro.DecisionMode;
import java.util.Arrays;
import java.util.List;

/**
 * Rules a {@link Decision} must meet before it is published or joined with its reward. Besides
 * each field's own range, the fields must tell one consistent story: a policy version goes with
 * the policy's action, a LEARNED decision has both, and only an explored action has a density.
 */
public final class DecisionValidator implements RecordValidator<Decision> {

    private static final String MODES = Arrays.toString(DecisionMode.values());

    @Override
    public List<String> validate(Decision d) {
        Problems problems = new Problems();
        problems.requireText("decision_id", d.getDecisionId());
        problems.requireText("entity", d.getEntity());
        problems.requireText("env_id", d.getEnvId());
        problems.requireFiniteNumbers("state", d.getState(), false);
        int action = problems.requireFiniteNumbers("action", d.getAction(), false);
        List<Float> policyAction = d.getPolicyAction();
        if (policyAction != null) {
            int length = problems.requireFiniteNumbers("policy_action", policyAction, false);
            if (length > 0 && action > 0 && length != action) {
                problems.add("policy_action has " + length + " values but action has " + action
                        + "; allowed: null or the same length as action");
            }
        }
        Double logDensity = d.getLogDensity();
        if (logDensity != null) {
            problems.requireFinite("log_density", logDensity);
            if (!d.getExplored()) {
                problems.add("log_density is " + logDensity + " but explored is false; allowed: null when the"
                        + " action was not drawn from a distribution");
            }
        }
        long policyVersion = d.getPolicyVersion();
        problems.requireAtLeast("policy_version", policyVersion, -1);
        // The version names the policy that computed policy_action, so one is set exactly when the other is.
        if (policyVersion == -1 && policyAction != null) {
            problems.add("policy_version is -1 but policy_action is set; allowed: the version of the policy that"
                    + " computed policy_action");
        } else if (policyVersion >= 0 && policyAction == null) {
            problems.add("policy_version is " + policyVersion + " but policy_action is null; allowed: -1 when no"
                    + " policy answered");
        }
        DecisionMode mode = d.getMode();
        if (mode == null) {
            problems.add("mode is missing; allowed: one of " + MODES);
        } else if (mode == DecisionMode.LEARNED && policyAction == null) {
            problems.add("mode is LEARNED but policy_action is null; allowed: LEARNED only with the action of the"
                    + " policy that answered");
        }
        problems.requireAtLeast("control_revision", d.getControlRevision(), -1);
        problems.requireText("instance_id", d.getInstanceId());
        problems.requirePresent("event_time", d.getEventTime());
        return problems.list();
    }
}
