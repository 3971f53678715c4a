package io.streamrl.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for {@code streamrl serve} on 127.0.0.1: answers every {@code failEvery}-th
 * decision with 503 and the others with a fresh decision id and a fixed action; accepts rewards
 * with 202. With {@code record} it keeps what it received for tests to check.
 *
 * <p>{@code main} runs it on its own for a command-line measurement:
 * {@code java -cp benchmarks/target/test-classes io.streamrl.bench.FakeDecisionServer PORT SECONDS}.
 * Tests need {@code -Dsun.net.httpserver.nodelay=true} (benchmarks/pom.xml sets it): without it
 * every answer waits for the client's delayed ACK, about 40 ms.
 */
final class FakeDecisionServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers;
    private final int actionDim;
    private final int failEvery;
    private final boolean record;
    private final AtomicLong decisionCount = new AtomicLong();
    private final AtomicLong failedCount = new AtomicLong();
    private final AtomicLong rewardCount = new AtomicLong();
    final Queue<String> decisionBodies = new ConcurrentLinkedQueue<>();
    final Queue<Long> decisionArrivalNanos = new ConcurrentLinkedQueue<>();
    final Queue<String> rewardBodies = new ConcurrentLinkedQueue<>();
    final Set<String> issuedIds = ConcurrentHashMap.newKeySet();
    /** The decision (1-based, counting the generator's pre-flight one) whose answer is held back by {@link #stallMillis}. */
    volatile long stallAtDecision;
    volatile long stallMillis;
    /** When positive, decisions whose state does not have this many numbers get 400, as serve answers them. */
    volatile int stateLength;
    /** When set, requests without exactly this Authorization header get 401, as serve with a token answers them. */
    volatile String requiredAuthorization;
    /** The Authorization header of every request (or "none"), with record. */
    final Queue<String> authorizations = new ConcurrentLinkedQueue<>();

    private FakeDecisionServer(int port, int actionDim, int failEvery, boolean record, int threads) throws IOException {
        this.actionDim = actionDim;
        this.failEvery = failEvery;
        this.record = record;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        this.handlers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fake-serve");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext(LoadGenerator.DECISIONS_PATH, this::decision);
        server.createContext(LoadGenerator.REWARDS_PATH, this::reward);
        server.start();
    }

    static FakeDecisionServer start(int actionDim, int failEvery, boolean record) throws IOException {
        return new FakeDecisionServer(0, actionDim, failEvery, record, 2);
    }

    /** One handler thread: a stalled answer holds back every answer behind it, as a stop-the-world pause would. */
    static FakeDecisionServer singleThreaded(int actionDim) throws IOException {
        return new FakeDecisionServer(0, actionDim, 0, false, 1);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long decisions() {
        return decisionCount.get();
    }

    long failed() {
        return failedCount.get();
    }

    long rewards() {
        return rewardCount.get();
    }

    private void decision(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        String body = read(exchange);
        if (!authorized(exchange)) {
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            respond(exchange, 405, "{\"error\":\"POST only\"}");
            return;
        }
        if (stateLength > 0 && stateEntries(body) != stateLength) {
            respond(exchange, 400, "{\"error\":\"state must have " + stateLength + " numbers\",\"field\":\"state\"}");
            return;
        }
        long n = decisionCount.incrementAndGet();
        if (record) {
            decisionBodies.add(body);
            decisionArrivalNanos.add(at);
        }
        if (n == stallAtDecision) {
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failEvery > 0 && n % failEvery == 0) {
            failedCount.incrementAndGet();
            respond(exchange, 503, "{\"error\":\"no policy yet\"}");
            return;
        }
        String id = "d-" + n;
        if (record) {
            issuedIds.add(id);
        }
        StringBuilder action = new StringBuilder();
        for (int k = 0; k < actionDim; k++) {
            action.append(k > 0 ? "," : "").append(0.25);
        }
        respond(exchange, 200, "{\"decision_id\":\"" + id + "\",\"action\":[" + action
                + "],\"policy_version\":7,\"mode\":\"learned\"}");
    }

    private void reward(HttpExchange exchange) throws IOException {
        String body = read(exchange);
        if (!authorized(exchange)) {
            return;
        }
        rewardCount.incrementAndGet();
        if (record) {
            rewardBodies.add(body);
        }
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (record) {
            authorizations.add(authorization == null ? "none" : authorization);
        }
        String required = requiredAuthorization;
        if (required != null && !required.equals(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"streamrl\"");
            respond(exchange, 401, "{\"error\":\"the Authorization header is missing\",\"field\":\"Authorization\"}");
            return false;
        }
        return true;
    }

    /** Numbers in the body's {@code "state":[...]} (the generator writes it without spaces), or -1. */
    private static int stateEntries(String body) {
        int at = body.indexOf("\"state\":[");
        if (at < 0) {
            return -1;
        }
        String list = body.substring(at + "\"state\":[".length(), body.indexOf(']', at));
        return list.isEmpty() ? 0 : list.split(",").length;
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

    /** {@code PORT SECONDS [THREADS]}: serves on 127.0.0.1:PORT for SECONDS (at most an hour), then prints its counts. */
    public static void main(String[] args) throws Exception {
        // Before the JDK's HTTP server reads its configuration: answers leave at once (see benchmarks/pom.xml).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        long seconds = Math.min(3600, args.length > 1 ? Long.parseLong(args[1]) : 60);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        try (FakeDecisionServer s = new FakeDecisionServer(port, 1, 0, false, threads)) {
            System.err.println("fake decision server at " + s.url() + " for " + seconds + " s");
            Thread.sleep(seconds * 1000);
            System.err.println("decisions " + s.decisions() + ", rewards " + s.rewards());
        }
    }
}
