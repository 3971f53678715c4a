package io.streamrl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static io.streamrl.app.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** 'streamrl loadgen' as a script sees it, against a stand-in decision API on 127.0.0.1. */
class LoadgenCommandTest {

    @Test
    void printsASummaryOnStderrAndOneJsonLineOnStdout() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        AtomicLong ids = new AtomicLong();
        server.createContext("/v1/decisions", exchange -> answer(exchange, 200,
                "{\"decision_id\":\"d-" + ids.incrementAndGet() + "\",\"action\":[10.0],\"policy_version\":null,"
                        + "\"mode\":\"fallback\"}"));
        server.createContext("/v1/rewards", exchange -> answer(exchange, 202, "{\"accepted\":true}"));
        server.start();
        try {
            CliRun r = run("loadgen", "--url", "http://127.0.0.1:" + server.getAddress().getPort(), "--rate", "50",
                    "--duration", "1s", "--warmup", "0s", "--entities", "5", "--connections", "8");
            assertThat(r.exitCode).as(r.err).isZero();
            String[] lines = r.out.strip().split("\n");
            assertThat(lines).hasSize(1);
            JsonNode line = new ObjectMapper().readTree(lines[0]);
            assertThat(line.get("benchmark").asText()).isEqualTo("loadgen");
            assertThat(line.get("rate_target").asInt()).isEqualTo(50);
            assertThat(line.get("requests").asLong()).isEqualTo(50);
            assertThat(line.get("ok").asLong()).isEqualTo(50);
            assertThat(line.get("reward_ok").asLong()).isEqualTo(50);
            assertThat(line.get("modes").get("fallback").asLong()).isEqualTo(50);
            assertThat(line.get("p99_ms").isNumber()).isTrue();
            assertThat(r.err).contains("loadgen: 50 decisions/s to http://127.0.0.1:").contains("decisions: 50 due");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void badValuesNameTheOptionAndNothingListeningIsUnavailable() throws Exception {
        CliRun share = run("loadgen", "--url", "http://127.0.0.1:1", "--rate", "10", "--duration", "1s",
                "--reward-share", "2");
        assertThat(share.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(share.err).contains("--reward-share must be in [0, 1], got 2.0").doesNotContain("Exception");

        CliRun duration = run("loadgen", "--url", "http://127.0.0.1:1", "--rate", "10", "--duration", "5 days");
        assertThat(duration.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(duration.err).contains("--duration").contains("not a duration; write e.g. 60s");

        CliRun missing = run("loadgen", "--rate", "10", "--duration", "1s");
        assertThat(missing.exitCode).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err).contains("Missing required option: '--url=URL'");

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CliRun refused = run("loadgen", "--url", "http://127.0.0.1:" + port, "--rate", "10", "--duration", "1s");
        assertThat(refused.exitCode).isEqualTo(Main.EXIT_UNAVAILABLE);
        assertThat(refused.err).contains("streamrl loadgen: no answer from POST http://127.0.0.1:" + port);
        assertThat(refused.out).isEmpty();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }


}
