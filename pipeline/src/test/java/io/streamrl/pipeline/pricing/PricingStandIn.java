package io.streamrl.pipeline.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for {@code streamrl serve} on 127.0.0.1 for the shops' tests: a {@link Policy}
 * answers each decision (price and mode, or a failure) from the entity, its day (the how-many-th
 * request of that entity, which is its day because a shop's days are in order) and the state;
 * rewards get {@link #rewardStatus} for the day of their decision. Everything received is kept.
 *
 * <p>Needs {@code -Dsun.net.httpserver.nodelay=true} (pipeline/pom.xml sets it for tests):
 * without it every answer waits for the client's delayed ACK, about 40 ms.
 */
final class PricingStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to answer: a price and mode with 200, or another status with a body. */
    record Reply(int status, double price, String mode, String body) {

        static Reply price(double price, String mode) {
            return new Reply(200, price, mode, null);
        }

        static Reply status(int status, String body) {
            return new Reply(status, Double.NaN, null, body);
        }
    }

    interface Policy {
        Reply answer(String entity, int day, float[] state);
    }

    /** The status of the reward for a decision made on {@code day}. */
    interface RewardStatus {
        int of(int day);
    }

    /** One decision request and what it got; {@code id} is null when it was not answered with 200. */
    record Decision(String entity, int day, float[] state, Set<String> fields, Reply reply, String id,
                    long arrivedNanos, long answeredNanos) {
    }

    record Reward(String decisionId, double reward, Set<String> fields, int status, long arrivedNanos) {
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final Policy policy;
    private final RewardStatus rewardStatus;
    private final Map<String, AtomicInteger> days = new ConcurrentHashMap<>();
    private final Map<String, Decision> issued = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    final Queue<Decision> decisions = new ConcurrentLinkedQueue<>();
    final Queue<Reward> rewards = new ConcurrentLinkedQueue<>();

    private PricingStandIn(Policy policy, RewardStatus rewardStatus) throws IOException {
        this.policy = policy;
        this.rewardStatus = rewardStatus;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        this.handlers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "pricing-stand-in");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext(ShopsConfig.DECISIONS_PATH, this::decision);
        server.createContext(ShopsConfig.REWARDS_PATH, this::reward);
        server.start();
    }

    static PricingStandIn start(Policy policy) throws IOException {
        return new PricingStandIn(policy, day -> 202);
    }

    static PricingStandIn start(Policy policy, RewardStatus rewardStatus) throws IOException {
        return new PricingStandIn(policy, rewardStatus);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The decision a 200 answer issued {@code id} for, or null. */
    Decision issued(String id) {
        return issued.get(id);
    }

    /** Every decision of {@code entity}, by day. */
    List<Decision> decisionsOf(String entity) {
        List<Decision> list = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.entity().equals(entity)) {
                list.add(d);
            }
        }
        list.sort((a, b) -> Integer.compare(a.day(), b.day()));
        return list;
    }

    private void decision(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        JsonNode body = JSON.readTree(read(exchange));
        String entity = body.get("entity").asText();
        JsonNode s = body.get("state");
        float[] state = new float[s.size()];
        for (int k = 0; k < state.length; k++) {
            state[k] = (float) s.get(k).asDouble();
        }
        int day = days.computeIfAbsent(entity, e -> new AtomicInteger()).getAndIncrement();
        Reply reply = policy.answer(entity, day, state);
        String id = null;
        String answer;
        if (reply.status() == 200 && reply.body() == null) {
            // Like serve's: the entity, base64url, then a unique tail.
            id = "c2hvcA." + ids.incrementAndGet();
            answer = "{\"decision_id\":\"" + id + "\",\"action\":[" + reply.price() + "],\"policy_version\":3,"
                    + "\"mode\":\"" + reply.mode() + "\",\"explored\":false,\"clipped\":false,\"log_density\":null}";
        } else {
            answer = reply.body();
        }
        Decision d = new Decision(entity, day, state, fieldNames(body), reply, id, arrived, System.nanoTime());
        if (id != null) {
            issued.put(id, d);
        }
        decisions.add(d);
        respond(exchange, reply.status(), answer);
    }

    private void reward(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        JsonNode body = JSON.readTree(read(exchange));
        String id = body.get("decision_id").asText();
        Decision d = issued.get(id);
        int status = d == null ? 400 : rewardStatus.of(d.day());
        rewards.add(new Reward(id, body.get("reward").asDouble(), fieldNames(body), status, arrived));
        respond(exchange, status, status / 100 == 2 ? "{\"decision_id\":\"" + id + "\",\"accepted\":true}"
                : "{\"error\":\"reward refused\"}");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
