package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "wallet.api.rate-limits.sign-in-per-address-per-minute=6",
        "wallet.api.rate-limits.key-creation-per-user-per-minute=2"})
class RateLimitTests {

    @LocalServerPort
    int port;

    @Test
    void signInAndKeyCreationAreLimitedWithRetryAfter() {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn person = api.signIn("limited-" + UUID.randomUUID() + "@example.com");

        assertThat(api.createKey(person, "1H", "read")).startsWith("sk_live_");
        assertThat(api.createKey(person, "1H", "read")).startsWith("sk_live_");
        ApiClient.Response third = api.post("/keys/create", person.as(),
                "{\"name\":\"x\",\"permissions\":[\"read\"],\"expiry\":\"1H\"}");
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.code()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(third.header("retry-after"))).isBetween(1, 60);

        ApiClient.Response limited = null;
        for (int i = 0; i < 7 && (limited == null || limited.status() != 429); i++) {
            limited = api.get("/auth/google", As.NOBODY);
        }
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isNotNull();
    }
}
