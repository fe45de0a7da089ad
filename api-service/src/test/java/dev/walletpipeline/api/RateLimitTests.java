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
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "wallet.api.rate-limits.sign-in-per-address-per-minute=6",
                "wallet.api.rate-limits.key-creation-per-user-per-minute=2",
                "wallet.api.rate-limits.money-per-caller-per-minute=3",
                "wallet.api.rate-limits.trusted-proxy-header=X-Forwarded-For" })
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
        // A rollover makes a key too, and shares the bucket.
        ApiClient.Response rollover = api.post("/keys/rollover", person.as(),
                "{\"expired_key_id\":\"" + UUID.randomUUID() + "\",\"expiry\":\"1H\"}");
        assertThat(rollover.status()).isEqualTo(429);
        assertThat(rollover.code()).isEqualTo("rate_limited");

        ApiClient.Response limited = null;
        for (int i = 0; i < 7 && (limited == null || limited.status() != 429); i++) {
            limited = api.get("/auth/google", As.NOBODY);
        }
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isNotNull();
    }

    @Test
    void behindTheProxyEachClientAddressHasItsOwnSignInBucket() {
        ApiClient api = new ApiClient(port);
        String crowd = "198.51.100." + (1 + (int) (Math.random() * 200));
        ApiClient.Response limited = null;
        for (int i = 0; i < 8 && (limited == null || limited.status() != 429); i++) {
            limited = api.request("GET", "/auth/google", As.NOBODY, null, "", "X-Forwarded-For", "10.0.0.9, " + crowd);
        }
        assertThat(limited.status()).as("one client over its limit").isEqualTo(429);

        // Another client behind the same balancer (same socket address) is not locked
        // out; a claimed first hop is not trusted, only the one our proxy appended.
        ApiClient.Response other = api.request("GET", "/auth/google", As.NOBODY, null, "", "X-Forwarded-For",
                crowd + ", 203.0.113." + (1 + (int) (Math.random() * 200)));
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void refreshAndLogoutAreLimitedPerClientAddressLikeSignIn() {
        ApiClient api = new ApiClient(port);
        for (String path : new String[] { "/auth/refresh", "/auth/logout" }) {
            String client = "198.51.100." + (1 + (int) (Math.random() * 200));
            ApiClient.Response limited = null;
            for (int i = 0; i < 8 && (limited == null || limited.status() != 429); i++) {
                limited = api.request("POST", path, As.NOBODY, "application/json",
                        "{\"refresh_token\":\"guess-" + i + "\"}", "X-Forwarded-For", client);
            }
            assertThat(limited.status()).as(path).isEqualTo(429);
            assertThat(limited.code()).isEqualTo("rate_limited");
            assertThat(limited.header("retry-after")).isNotNull();
        }
    }

    @Test
    void depositsAndTransfersAreLimitedPerCallerWithRetryAfter() {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn person = api.signIn("money-limited-" + UUID.randomUUID() + "@example.com");
        String key = api.createKey(person, "1H", "deposit", "transfer");
        ApiClient.SignedIn someoneElse = api.signIn("money-free-" + UUID.randomUUID() + "@example.com");

        ApiClient.Response last = null;
        for (int i = 0; i < 4; i++) {
            last = api.post("/wallet/transfer", As.key(key),
                    "{\"wallet_number\":\"" + someoneElse.walletNumber() + "\",\"amount\":100}");
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.code()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(last.header("retry-after"))).isBetween(1, 60);
        ApiClient.Response deposit = api.post("/wallet/deposit", As.key(key), "{\"amount\":1000}");
        assertThat(deposit.status()).as("the same caller's deposits share the bucket").isEqualTo(429);

        // The person's own bearer token is another caller, with its own bucket.
        assertThat(api
            .post("/wallet/transfer", person.as(),
                    "{\"wallet_number\":\"" + someoneElse.walletNumber() + "\",\"amount\":100}")
            .status()).isNotEqualTo(429);
    }

}
