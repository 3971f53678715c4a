package io.streamrl.pipeline.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The two calls the shops make to {@code streamrl serve}, asynchronous on Jetty's client (set up
 * as {@code streamrl loadgen} does: it kept 5,000 requests/s on two cores where the JDK's client
 * kept 2,000). Every call ends in exactly one callback, with an answer or a failure kind, on a
 * client thread; callbacks must not block.
 */
final class ServeClient implements AutoCloseable {

    /** Largest answer body kept; the decision API's are a few hundred bytes. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** Selector, reading and callbacks (parsing an answer and stepping one shop: microseconds). */
    private static final int HTTP_THREADS = 4;
    /**
     * Requests waiting for a connection. Decisions are bounded by the caller; rewards are not
     * (with a long lag and short days, many days' rewards may fall due together) and are already
     * held in memory by the timer, so a large bound costs nothing extra; beyond it a request
     * fails as {@code client}.
     */
    private static final int MAX_QUEUED = 1 << 20;
    private static final int EXAMPLE_CHARS = 200;
    private static final String USER_AGENT = "streamrl-shops";

    /** A usable decision: its id, the price to charge, and who answered ({@code learned}, ...; null when not said). */
    record Answer(String decisionId, double price, String mode) {
    }

    /** Exactly one of {@code answer} and {@code failureKind} is set; {@code example} describes a failure. */
    record Outcome(Answer answer, String failureKind, String example) {

        static Outcome failed(String kind, String example) {
            return new Outcome(null, kind, shorten(example));
        }
    }

    private final HttpClient client;
    private final URI decisionsUri;
    private final URI rewardsUri;
    private final long timeoutMillis;
    private final ObjectMapper json = new ObjectMapper();

    /** Starts a client for {@code config}'s URL with {@link ShopsConfig#connections()} connections. */
    ServeClient(ShopsConfig config) {
        this.decisionsUri = config.decisionsUri();
        this.rewardsUri = config.rewardsUri();
        this.timeoutMillis = config.timeoutMillis();
        QueuedThreadPool threads = new QueuedThreadPool(HTTP_THREADS, 2);
        threads.setName("shops-http");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(config.connections());
        client.setMaxRequestsQueuedPerDestination(MAX_QUEUED);
        client.setConnectTimeout(config.timeoutMillis());
        client.setIdleTimeout(Math.max(30_000, 2 * config.timeoutMillis()));
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        client.getContentDecoderFactories().clear();
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client: " + e, e);
        }
    }

    /** {@code POST /v1/decisions {"entity": entity, "state": state}}; {@code done} gets the answer or the failure. */
    void decide(String entity, float[] state, Consumer<Outcome> done) {
        ObjectNode body = json.createObjectNode();
        body.put("entity", entity);
        ArrayNode s = body.putArray("state");
        for (float v : state) {
            s.add(v);
        }
        send(decisionsUri, body, (status, content, failure) -> {
            if (failure != null) {
                done.accept(failure);
            } else if (status / 100 != 2) {
                done.accept(Outcome.failed(Integer.toString(status), content));
            } else {
                done.accept(parse(content));
            }
        });
    }

    /**
     * {@code POST /v1/rewards {"decision_id": id, "reward": reward}}; {@code done} gets null when it
     * was accepted (2xx), else the failure.
     */
    void reward(String decisionId, double reward, Consumer<Outcome> done) {
        ObjectNode body = json.createObjectNode();
        body.put("decision_id", decisionId);
        body.put("reward", reward);
        send(rewardsUri, body, (status, content, failure) -> {
            if (failure != null) {
                done.accept(failure);
            } else if (status / 100 != 2) {
                done.accept(Outcome.failed(Integer.toString(status), content));
            } else {
                done.accept(null);
            }
        });
    }

    private interface Answered {
        /** The status and body, or (status 0) a failure of the exchange itself. */
        void accept(int status, String content, Outcome failure);
    }

    private void send(URI uri, ObjectNode body, Answered callback) {
        // Jetty may complete a request inside send() (a full queue, a stopped client); should the
        // callback then throw, the catch below must not answer a second time.
        AtomicBoolean once = new AtomicBoolean();
        Answered answered = (status, content, failure) -> {
            if (once.compareAndSet(false, true)) {
                callback.accept(status, content, failure);
            }
        };
        Request request;
        String text;
        try {
            text = json.writeValueAsString(body);
            request = client.newRequest(uri)
                    .method(HttpMethod.POST)
                    .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                    .body(new StringRequestContent("application/json", text, StandardCharsets.UTF_8));
            request.send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
                @Override
                public void onComplete(Result result) {
                    if (result.isFailed()) {
                        Throwable t = result.getFailure();
                        answered.accept(0, null, Outcome.failed(kind(t), describe(t)));
                    } else {
                        answered.accept(result.getResponse().getStatus(), getContentAsString(), null);
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            // Refused before it left (client stopped, queue full): one callback all the same.
            answered.accept(0, null, Outcome.failed("client", describe(e)));
        }
    }

    /** A 2xx body: a decision id and a one-number action are required, the mode is taken when given. */
    private Outcome parse(String content) {
        JsonNode node;
        try {
            node = json.readTree(content);
        } catch (IOException e) {
            return Outcome.failed("bad_response", "not JSON: " + content);
        }
        if (node == null || !node.isObject()) {
            return Outcome.failed("bad_response", "not a JSON object: " + content);
        }
        JsonNode id = node.get("decision_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            return Outcome.failed("bad_response", "no decision_id in " + content);
        }
        JsonNode action = node.get("action");
        if (action == null || !action.isArray() || action.size() != 1 || !action.get(0).isNumber()
                || !Double.isFinite(action.get(0).asDouble())) {
            return Outcome.failed("bad_response", "action must be an array of one finite price in " + content);
        }
        JsonNode mode = node.get("mode");
        String m = mode != null && mode.isTextual() ? mode.asText().toLowerCase(Locale.ROOT) : null;
        return new Outcome(new Answer(id.asText(), action.get(0).asDouble(), m), null, null);
    }

    /** What went wrong, as a short kind: {@code timeout}, {@code connect}, {@code io} or {@code client}. */
    static String kind(Throwable e) {
        // The telling exception may sit a few causes deep (wrapped by the client's own layers).
        boolean io = false;
        int depth = 0;
        for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return "timeout";
            }
            if (t instanceof ConnectException) {
                return "connect";
            }
            io |= t instanceof IOException;
        }
        return io ? "io" : "client";
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static String shorten(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip().replaceAll("\\s+", " ");
        return s.length() > EXAMPLE_CHARS ? s.substring(0, EXAMPLE_CHARS) + "..." : s;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // Nothing is left to send: a failing stop loses nothing counted.
        }
    }
}
