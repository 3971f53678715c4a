/**
 * The actor side of streamrl: a {@link io.streamrl.actor.PolicySubscriber} that follows one
 * policy on the compacted policy topic and hot-swaps it, and a
 * {@link io.streamrl.actor.SimulationActor} that acts in a simulated environment with that
 * policy plus exploration noise and publishes every transition and episode summary; for A2C, a
 * rollout actor ({@code RolloutActor}, started by {@link io.streamrl.actor.ActorService#startRollouts})
 * samples the stochastic policy and publishes rollout segments instead.
 * {@link io.streamrl.actor.ActorService} wires either to Kafka for {@code streamrl actor}:
 *
 * <pre>{@code
 * ActorConfig config = ActorConfig.builder("actor-7f3a", "pendulum", seed).maxPolicyLag(1_000).build();
 * try (ActorService service = ActorService.start(config, KafkaSettings.of(bootstrap, namespace), clock)) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(service::close));
 *     service.run();
 * }
 * }</pre>
 */
package io.streamrl.actor;
