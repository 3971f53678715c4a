package io.streamrl.actor.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {

    private static final String TOKEN = "0123456789abcdef-token";

    @TempDir
    Path dir;

    @Test
    void aTokenFileIsReadWithoutItsLineEnd() throws IOException {
        BearerToken token = BearerToken.fromFile(write("token", TOKEN + "\n"));

        assertThat(token.authorizationHeader()).isEqualTo("Bearer " + TOKEN);
        assertThat(token.check(List.of("Bearer " + TOKEN))).isNull();
        assertThat(token.toString()).isEqualTo("BearerToken[hidden]").doesNotContain(TOKEN);
    }

    @Test
    void anEmptyFileIsRefusedNamingTheFile() throws IOException {
        for (String empty : new String[] {"", "\n", "  \n\t"}) {
            Path file = write("empty", empty);
            assertThatThrownBy(() -> BearerToken.fromFile(file))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("auth-token-file " + file + " is empty; put the token in it");
        }
    }

    @Test
    void aMissingFileOrADirectoryIsRefusedNamingThePath() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> BearerToken.fromFile(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth-token-file " + missing + ": no such file");
        assertThatThrownBy(() -> BearerToken.fromFile(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth-token-file " + dir + ": a directory, not a file");
    }

    @Test
    void aTokenThatAHeaderCannotCarryOrThatIsShortIsRefusedWithoutEchoingIt() throws IOException {
        for (String bad : new String[] {"two words-0123456789", "line-one-0123456\nline-two-0123456",
                "quote\"0123456789abcdef"}) {
            Path file = write("bad", bad);
            assertThatThrownBy(() -> BearerToken.fromFile(file))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("auth-token-file " + file + ": the token must be one line of the characters")
                    .hasMessageNotContaining(bad);
        }
        Path shortOne = write("short", "abc123");
        assertThatThrownBy(() -> BearerToken.fromFile(shortOne))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auth-token-file " + shortOne + ": the token has 6 characters; use at least 16 (e.g. the"
                        + " output of 'openssl rand -hex 32')");
        Path huge = write("huge", "a".repeat(BearerToken.MAX_FILE_BYTES + 1));
        assertThatThrownBy(() -> BearerToken.fromFile(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than " + BearerToken.MAX_FILE_BYTES + " bytes");
    }

    @Test
    void headersAreJudgedBySchemeCountAndToken() {
        BearerToken token = BearerToken.of("test", TOKEN);
        assertThat(token.check(List.of())).isEqualTo(BearerToken.Refusal.MISSING);
        assertThat(token.check(null)).isEqualTo(BearerToken.Refusal.MISSING);
        assertThat(token.check(List.of("Basic " + TOKEN))).isEqualTo(BearerToken.Refusal.NOT_BEARER);
        assertThat(token.check(List.of("Bearer "))).isEqualTo(BearerToken.Refusal.NOT_BEARER);
        assertThat(token.check(List.of(TOKEN))).isEqualTo(BearerToken.Refusal.NOT_BEARER);
        assertThat(token.check(List.of("Bearer " + TOKEN, "Bearer " + TOKEN)))
                .isEqualTo(BearerToken.Refusal.NOT_BEARER);
        assertThat(token.check(List.of("Bearer " + TOKEN + "0"))).isEqualTo(BearerToken.Refusal.WRONG_TOKEN);
        assertThat(token.check(List.of("Bearer " + TOKEN.substring(1)))).isEqualTo(BearerToken.Refusal.WRONG_TOKEN);
        assertThat(token.check(List.of("bearer " + TOKEN))).isNull();
        assertThat(token.check(List.of("  Bearer   " + TOKEN + " "))).isNull();
    }

    @Test
    void aServeConfigWithATokenShowsThatItHasOneButNotTheToken() {
        ServeConfig config = new ServeConfig("pricing", "Pricing-v0", "serve-1", "127.0.0.1", 0, null, 0.1, 1, 8)
                .withAuthToken(BearerToken.of("test", TOKEN));
        assertThat(config.authToken()).isPresent();
        assertThat(config.toLogLine()).contains("auth=bearer-token").doesNotContain(TOKEN);
        assertThat(config.toString()).doesNotContain(TOKEN);
        assertThat(new ServeConfig("pricing", "Pricing-v0", "serve-1", "127.0.0.1", 0, null, 0.1, 1, 8).toLogLine())
                .contains("auth=none");
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
