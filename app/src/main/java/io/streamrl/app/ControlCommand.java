package io.streamrl.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrl.actor.serve.ControlClient;
import io.streamrl.actor.serve.ControlFollower;
import io.streamrl.schemas.avro.Control;
import io.streamrl.schemas.avro.Decision;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Guardrails of a live control loop, kept on the compacted control topic so that every serve"
                + " instance obeys the same settings within a second.",
        subcommands = {ControlCommand.Show.class, ControlCommand.Set.class, ControlCommand.Rollback.class,
                ControlCommand.Report.class})
final class ControlCommand {

    /** Options every control subcommand shares. */
    static final class Loop {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--policy", required = true, description = "The control loop: the policy name serve follows"
                + " (the env's Gymnasium id unless serve was given --policy).")
        String policy;

        ControlClient client() {
            return new ControlClient(kafka.settings(), Clock.systemUTC());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the guardrails in force as JSON.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Loop loop;

        @Override
        public Integer call() throws Exception {
            Control c = loop.client().current(loop.policy).orElse(ControlClient.defaults(loop.policy));
            print(spec, c);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change some guardrails; the others keep"
            + " their values. Publishes the next revision.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Loop loop;

        @Option(names = "--action-low", split = ",", paramLabel = "A[,A...]",
                description = "Lowest action per entry (environment units).")
        double[] actionLow;
        @Option(names = "--action-high", split = ",", paramLabel = "A[,A...]",
                description = "Highest action per entry (environment units).")
        double[] actionHigh;
        @Option(names = "--clear-bounds", description = "Back to the environment's own bounds.")
        boolean clearBounds;
        @Option(names = "--max-change", description = "Largest change of an action entry from the entity's previous"
                + " decision (on the instance that answers it); 0 clears it.")
        Double maxChange;
        @Option(names = "--holdout", paramLabel = "SHARE", description = "Share of entities (stable by hash) always"
                + " answered by the fallback, in [0, 1].")
        Double holdout;
        @Option(names = "--shadow", arity = "1", paramLabel = "true|false",
                description = "The fallback answers; the learned action is only logged beside it.")
        Boolean shadow;
        @Option(names = "--pin", paramLabel = "VERSION", description = "Answer with this policy version.")
        Long pin;
        @Option(names = "--unpin", description = "Follow the newest policy version again.")
        boolean unpin;
        @Option(names = "--kill", arity = "1", paramLabel = "true|false",
                description = "Kill switch: everything falls back at once.")
        Boolean kill;
        @Option(names = "--fallback-action", split = ",", paramLabel = "A[,A...]",
                description = "The fallback's fixed action (overrides serve --fallback-action).")
        double[] fallbackAction;

        @Override
        public Integer call() throws Exception {
            if (pin != null && unpin) {
                throw new IllegalArgumentException("pin: give --pin VERSION or --unpin, not both");
            }
            if (pin != null && pin < 1) {
                throw new IllegalArgumentException("pin must be a policy version >= 1, got " + pin);
            }
            Control c = loop.client().publish(loop.policy, b -> {
                if (clearBounds) {
                    b.setActionLow(null).setActionHigh(null);
                }
                if (actionLow != null) {
                    b.setActionLow(boxed(actionLow));
                }
                if (actionHigh != null) {
                    b.setActionHigh(boxed(actionHigh));
                }
                if (maxChange != null) {
                    b.setMaxChange(maxChange == 0 ? null : maxChange);
                }
                if (holdout != null) {
                    b.setHoldoutShare(holdout);
                }
                if (shadow != null) {
                    b.setShadow(shadow);
                }
                if (pin != null) {
                    b.setPinnedVersion(pin);
                }
                if (unpin) {
                    b.setPinnedVersion(null);
                }
                if (kill != null) {
                    b.setKillSwitch(kill);
                }
                if (fallbackAction != null) {
                    b.setFallbackAction(boxed(fallbackAction));
                }
                return b;
            }, "streamrl control set");
            print(spec, c);
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Pin the version before the one in"
            + " use (or --to VERSION). Serve instances answer with the fallback when they do not hold that version"
            + " (the policy topic is compacted; /v1/policy says so).")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Loop loop;
        @Option(names = "--to", paramLabel = "VERSION", description = "The version to pin.")
        Long to;

        @Override
        public Integer call() throws Exception {
            ControlClient client = loop.client();
            long target;
            if (to != null) {
                target = to;
            } else {
                Long pinned = client.current(loop.policy).map(Control::getPinnedVersion).orElse(null);
                long inUse = pinned != null ? pinned : client.newestPolicyVersion(loop.policy).orElseThrow(() ->
                        new IllegalArgumentException("policy: no version of " + loop.policy + " on the policy topic"
                                + " to roll back from"));
                target = inUse - 1;
            }
            if (target < 1) {
                throw new IllegalArgumentException("to: there is no policy version before 1 to roll back to");
            }
            print(spec, client.publish(loop.policy, b -> b.setPinnedVersion(target), "streamrl control rollback"));
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Shadow mode: how often and how far the"
            + " learned action differed from the fallback's answer, over the shadow decisions on the decisions topic.")
    static final class Report implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Loop loop;
        @Option(names = "--tolerance", defaultValue = "1e-6",
                description = "Smallest difference that counts (default: ${DEFAULT-VALUE}).")
        double tolerance;

        @Override
        public Integer call() throws Exception {
            List<Decision> shadow = loop.client().shadowDecisions();
            Map<String, Object> out = shadowReport(shadow, tolerance);
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Shadow decisions compared: count, share that differ, mean and largest absolute difference. */
    static Map<String, Object> shadowReport(List<Decision> shadow, double tolerance) {
        long differ = 0;
        double sum = 0;
        double max = 0;
        long entries = 0;
        for (Decision d : shadow) {
            boolean different = false;
            for (int i = 0; i < d.getAction().size(); i++) {
                double diff = Math.abs(d.getAction().get(i) - d.getPolicyAction().get(i));
                sum += diff;
                max = Math.max(max, diff);
                entries++;
                different |= diff > tolerance;
            }
            differ += different ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("shadow_decisions", shadow.size());
        out.put("differing", differ);
        out.put("differing_share", shadow.isEmpty() ? null : (double) differ / shadow.size());
        out.put("mean_abs_difference", entries == 0 ? null : sum / entries);
        out.put("max_abs_difference", entries == 0 ? null : max);
        return out;
    }

    private static void print(CommandSpec spec, Control c) throws Exception {
        ControlFollower.guardrailsOf(c);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("loop", c.getLoop());
        out.put("revision", c.getRevision());
        out.put("action_low", c.getActionLow());
        out.put("action_high", c.getActionHigh());
        out.put("max_change", c.getMaxChange());
        out.put("holdout_share", c.getHoldoutShare());
        out.put("shadow", c.getShadow());
        out.put("pinned_version", c.getPinnedVersion());
        out.put("kill_switch", c.getKillSwitch());
        out.put("fallback_action", c.getFallbackAction());
        out.put("updated_by", c.getUpdatedBy());
        PrintWriter w = spec.commandLine().getOut();
        w.println(new ObjectMapper().writeValueAsString(out));
        w.flush();
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
