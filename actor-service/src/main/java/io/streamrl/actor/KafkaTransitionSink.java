package io.streamrl.actor;

import io.streamrl.core.explore.Experience;
import io.streamrl.core.explore.TransitionSink;
import io.streamrl.schemas.FloatLists;
import io.streamrl.schemas.RecordCodec;
import io.streamrl.schemas.Topics;
import io.streamrl.schemas.TransitionValidator;
import io.streamrl.schemas.avro.EpisodeSummary;
import io.streamrl.schemas.avro.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes an explorer's steps to Kafka: every step as a {@link Transition} and every finished
 * episode as an {@link EpisodeSummary}, both keyed by the actor id, and counts what became of
 * each record (see {@link Deliveries}).
 *
 * <p>{@code exploration_noise} is the environment action minus the policy's own (clipped,
 * mapped) action; empty for a uniform random action. The sink owns the producer and closes it.
 */
final class KafkaTransitionSink implements TransitionSink {

    private final String actorId;
    private final String envId;
    private final byte[] key;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final String transitionTopic;
    private final String episodeTopic;
    private final RecordCodec<Transition> transitionCodec = RecordCodec.transition();
    private final RecordCodec<EpisodeSummary> episodeCodec = RecordCodec.episodeSummary();
    private final TransitionValidator validator = new TransitionValidator();
    private final Deliveries transitions = new Deliveries("transition");
    private final Deliveries summaries = new Deliveries("episode summary");

    /**
     * @param producer a producer of raw bytes (see {@code KafkaSettings.producer}); closed with this sink
     */
    KafkaTransitionSink(String actorId, String envId, Producer<byte[], byte[]> producer, Topics topics, Clock clock) {
        this.actorId = Objects.requireNonNull(actorId, "actorId");
        this.envId = Objects.requireNonNull(envId, "envId");
        this.key = actorId.getBytes(StandardCharsets.UTF_8);
        this.producer = Objects.requireNonNull(producer, "producer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transitionTopic = topics.transitions().name();
        this.episodeTopic = topics.episodes().name();
    }

    @Override
    public void accept(Experience e) {
        Transition transition = Transition.newBuilder()
                .setActorId(actorId)
                .setEnvId(envId)
                .setEpisode(e.episode())
                .setStep(e.step())
                .setObservation(FloatLists.of(e.observation()))
                .setAction(FloatLists.of(e.action().environment()))
                .setReward(e.reward())
                .setNextObservation(FloatLists.of(e.nextObservation()))
                .setTerminated(e.terminated())
                .setTruncated(e.truncated())
                .setPolicyVersion(e.policyVersion())
                .setExplorationNoise(FloatLists.of(e.action().explorationNoise()))
                .setEventTime(Instant.ofEpochMilli(clock.millis()))
                .setDecisionId(null)
                // What off-policy evaluation weighs the log by; null where no density drew the action.
                .setLogDensity(Double.isFinite(e.action().logDensity()) ? e.action().logDensity() : null)
                .build();
        // An invalid transition (a non-finite observation) is a bug in the environment: stop loudly.
        validator.requireValid(transition);
        transitions.send(producer, new ProducerRecord<>(transitionTopic, key,
                transitionCodec.encode(transitionTopic, transition)));
        if (e.done()) {
            EpisodeSummary summary = EpisodeSummary.newBuilder()
                    .setActorId(actorId)
                    .setEnvId(envId)
                    .setEpisode(e.episode())
                    .setEpisodeReturn(e.episodeReturn())
                    .setLength(e.step())
                    .setTerminated(e.terminated())
                    .setPolicyVersion(e.policyVersion())
                    .setEventTime(Instant.ofEpochMilli(clock.millis()))
                    .build();
            summaries.send(producer, new ProducerRecord<>(episodeTopic, key, episodeCodec.encode(episodeTopic, summary)));
        }
    }

    /** Waits until every record sent so far is acknowledged or failed. */
    void flush() {
        producer.flush();
    }

    void close(Duration timeout) {
        producer.close(timeout);
    }

    Deliveries transitions() {
        return transitions;
    }

    Deliveries summaries() {
        return summaries;
    }
}
