package io.streamrl.actor.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client of the decision API for tests. */
final class ServeHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final int port;

    ServeHttp(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    /** A reply: the status, the raw body and the body parsed as JSON (null when it is not JSON). */
    record Reply(int status, String body, JsonNode json) {
        String text(String field) {
            JsonNode n = json == null ? null : json.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }

        /** The answered action of a decision reply. */
        double[] action() {
            JsonNode a = json.get("action");
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).doubleValue();
            }
            return out;
        }

        Long policyVersion() {
            JsonNode v = json.get("policy_version");
            return v == null || v.isNull() ? null : v.longValue();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                json = null;
            }
            return new Reply(r.statusCode(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, String body) {
        return send("POST", path, body);
    }

    /** POST /v1/decisions for {@code entity} in {@code state}. */
    Reply decide(String entity, float[] state, boolean explore) {
        return decide(entity, state, explore, null);
    }

    Reply decide(String entity, float[] state, boolean explore, String decisionId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entity", entity);
        ArrayNode s = body.putArray("state");
        for (float v : state) {
            s.add(v);
        }
        body.put("explore", explore);
        if (decisionId != null) {
            body.put("decision_id", decisionId);
        }
        return post("/v1/decisions", body.toString());
    }

    /** POST /v1/rewards. */
    Reply reward(String decisionId, double reward, boolean terminal) {
        ObjectNode body = JSON.createObjectNode();
        body.put("decision_id", decisionId);
        body.put("reward", reward);
        body.put("terminal", terminal);
        return post("/v1/rewards", body.toString());
    }
}
