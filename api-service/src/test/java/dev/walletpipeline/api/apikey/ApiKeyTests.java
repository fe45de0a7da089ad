package dev.walletpipeline.api.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiKeyTests {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyCache cache;

    private ApiClient api;

    private LocalStack stack;

    private ApiClient.SignedIn person;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        api = new ApiClient(port);
        person = api.signIn("keys-" + UUID.randomUUID() + "@example.com");
    }

    @Test
    void aCreatedKeyIsShownOnceListedWithoutItsSecretAndWorks() {
        ApiClient.Response created = api.post("/keys/create", person.as(),
                "{\"name\":\"billing\",\"permissions\":[\"read\"],\"expiry\":\"1D\"}");
        assertThat(created.status()).isEqualTo(201);
        String secret = created.text("api_key");
        assertThat(secret).startsWith("sk_live_").hasSizeGreaterThanOrEqualTo(8 + 43);

        ApiClient.Response listed = api.get("/keys", person.as());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(secret).contains("\"prefix\":\"" + secret.substring(0, 12) + "\"");
        assertThat(listed.json().get(0).path("permissions").toString()).isEqualTo("[\"read\"]");

        ApiClient.Response balance = api.get("/wallet/balance", As.key(secret));
        assertThat(balance.status()).isEqualTo(200);
        assertThat(balance.json().path("balance").asLong()).isZero();
        assertThat(api.get("/keys", person.as()).json().get(0).path("last_used_at").isNull()).isFalse();
    }

    @Test
    void eachPermissionOpensExactlyItsEndpoints() {
        String read = api.createKey(person, "1H", "read");
        String deposit = api.createKey(person, "1H", "deposit");
        String transfer = api.createKey(person, "1H", "transfer");

        for (String path : List.of("/wallet/balance", "/wallet/transactions")) {
            assertThat(api.get(path, As.key(read)).status()).as(path + " with read").isEqualTo(200);
            assertThat(api.get(path, person.as()).status()).as(path + " as the person").isEqualTo(200);
            for (String lacking : List.of(deposit, transfer)) {
                ApiClient.Response refused = api.get(path, As.key(lacking));
                assertThat(refused.status()).as(path).isEqualTo(403);
                assertThat(refused.code()).isEqualTo("permission_missing");
                assertThat(refused.text("detail")).contains("'read'");
            }
        }
        for (String key : List.of(read, deposit, transfer)) {
            ApiClient.Response refused = api.post("/keys/create", As.key(key),
                    "{\"name\":\"x\",\"permissions\":[\"read\"],\"expiry\":\"1H\"}");
            assertThat(refused.status()).as("keys manage no keys").isEqualTo(403);
            assertThat(api.get("/keys", As.key(key)).status()).isEqualTo(403);
        }
    }

    @Test
    void unknownExpiredAndRevokedKeysAreRefusedEachWithItsOwnCode() throws Exception {
        ApiClient.Response unknown = api.get("/wallet/balance", As.key("sk_live_" + "x".repeat(43)));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo("api_key_invalid");
        assertThat(unknown.body()).doesNotContain("xxxx");

        String revoked = api.createKey(person, "1H", "read");
        String revokedId = idOf(revoked);
        assertThat(api.post("/keys/" + revokedId + "/revoke", person.as(), "").status()).isEqualTo(200);
        assertThat(api.post("/keys/" + revokedId + "/revoke", person.as(), "").status()).as("twice is harmless")
            .isEqualTo(200);
        assertThat(api.get("/wallet/balance", As.key(revoked)).code()).isEqualTo("api_key_revoked");

        String expired = api.createKey(person, "1H", "read");
        expire(idOf(expired));
        ApiClient.Response refused = api.get("/wallet/balance", As.key(expired));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("api_key_expired");
    }

    @Test
    void aKeyInUseRevokedThroughTheApiIsRefusedOnTheVeryNextRequest() {
        String key = api.createKey(person, "1H", "read");
        assertThat(api.get("/wallet/balance", As.key(key)).status()).isEqualTo(200);
        assertThat(api.get("/wallet/balance", As.key(key)).status()).as("verified again, from memory").isEqualTo(200);

        assertThat(api.post("/keys/" + idOf(key) + "/revoke", person.as(), "").status()).isEqualTo(200);

        ApiClient.Response refused = api.get("/wallet/balance", As.key(key));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("api_key_revoked");
    }

    @Test
    void aKeyInUseRevokedOrExpiredWithSqlIsRefusedWithinASecond() throws Exception {
        String revoked = api.createKey(person, "1H", "read");
        String expired = api.createKey(person, "1H", "read");
        assertThat(api.get("/wallet/balance", As.key(revoked)).status()).isEqualTo(200);
        assertThat(api.get("/wallet/balance", As.key(expired)).status()).isEqualTo(200);

        // as a person with SQL, or another api-service instance, would: nothing in this
        // one is told but the database's announcement
        try (Connection owner = stack.postgres().connect(PostgresServer.OWNER);
                PreparedStatement sql = owner
                    .prepareStatement("update api_keys set revoked_at = now() where id = ?::uuid")) {
            sql.setString(1, idOf(revoked));
            sql.executeUpdate();
        }
        expire(idOf(expired));

        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(api.get("/wallet/balance", As.key(revoked)).code()).isEqualTo("api_key_revoked");
            assertThat(api.get("/wallet/balance", As.key(expired)).code()).isEqualTo("api_key_expired");
        });
    }

    @Test
    void aKeyReadWhileAChangeWasAnnouncedIsNotKept() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(cache::isListening);
        byte[] hash = Secrets.sha256("sk_live_" + UUID.randomUUID());
        ApiKeys.Key key = new ApiKeys.Key(UUID.randomUUID(), UUID.randomUUID(), "race", "sk_live_abcd",
                EnumSet.of(Permission.READ), Instant.now().plusSeconds(3600), null, null, null, Instant.now());

        long readAt = cache.generation();
        cache.forget(UUID.randomUUID()); // announced while the key was being read
        cache.keep(hash, key, readAt);
        assertThat(cache.get(hash)).as("possibly revoked after it was read").isNull();

        cache.keep(hash, key, cache.generation());
        assertThat(cache.get(hash)).isEqualTo(key);
        cache.forget(key.id());
        assertThat(cache.get(hash)).isNull();
    }

    @Test
    void twentyParallelCreatesLeaveExactlyFiveActiveKeys() {
        List<Integer> statuses = IntStream.range(0, 20)
            .mapToObj(i -> CompletableFuture.supplyAsync(
                    () -> api
                        .post("/keys/create", person.as(),
                                "{\"name\":\"k" + i + "\",\"permissions\":[\"read\"],\"expiry\":\"1D\"}")
                        .status()))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(15);
        assertThat(api.get("/keys", person.as()).json().size()).isEqualTo(5);
        ApiClient.Response sixth = api.post("/keys/create", person.as(),
                "{\"name\":\"sixth\",\"permissions\":[\"read\"],\"expiry\":\"1D\"}");
        assertThat(sixth.code()).isEqualTo("api_key_limit_reached");
    }

    @Test
    void onlyAnExpiredKeyOfOnesOwnIsRolledOverAndOnlyOnce() throws Exception {
        String live = api.createKey(person, "1H", "read", "deposit");
        String liveId = idOf(live);
        ApiClient.Response early = api.post("/keys/rollover", person.as(),
                "{\"expired_key_id\":\"" + liveId + "\",\"expiry\":\"1M\"}");
        assertThat(early.status()).isEqualTo(422);
        assertThat(early.code()).isEqualTo("key_not_expired");

        expire(liveId);
        ApiClient.SignedIn stranger = api.signIn("stranger-" + UUID.randomUUID() + "@example.com");
        ApiClient.Response notTheirs = api.post("/keys/rollover", stranger.as(),
                "{\"expired_key_id\":\"" + liveId + "\",\"expiry\":\"1M\"}");
        assertThat(notTheirs.status()).isEqualTo(404);

        ApiClient.Response rolled = api.post("/keys/rollover", person.as(),
                "{\"expired_key_id\":\"" + liveId + "\",\"expiry\":\"1M\"}");
        assertThat(rolled.status()).isEqualTo(201);
        assertThat(rolled.text("name")).isEqualTo("svc");
        assertThat(rolled.json().path("permissions").toString()).isEqualTo("[\"deposit\",\"read\"]");
        assertThat(api.get("/wallet/balance", As.key(rolled.text("api_key"))).status()).isEqualTo(200);

        ApiClient.Response twice = api.post("/keys/rollover", person.as(),
                "{\"expired_key_id\":\"" + liveId + "\",\"expiry\":\"1M\"}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.code()).isEqualTo("key_already_rolled_over");
    }

    @Test
    void badKeyRequestsAreRefusedWithTheFieldNamed() {
        ApiClient.Response expiry = api.post("/keys/create", person.as(),
                "{\"name\":\"x\",\"permissions\":[\"read\"],\"expiry\":\"2W\"}");
        assertThat(expiry.status()).isEqualTo(400);
        assertThat(expiry.code()).isEqualTo("validation_failed");
        assertThat(expiry.text("field")).isEqualTo("expiry");
        assertThat(expiry.text("detail")).contains("1H", "1D", "1M", "1Y");

        ApiClient.Response permission = api.post("/keys/create", person.as(),
                "{\"name\":\"x\",\"permissions\":[\"admin\"],\"expiry\":\"1H\"}");
        assertThat(permission.text("field")).isEqualTo("permissions");

        ApiClient.Response none = api.post("/keys/create", person.as(),
                "{\"name\":\"x\",\"permissions\":[],\"expiry\":\"1H\"}");
        assertThat(none.status()).isEqualTo(400);
    }

    @Test
    void aRequestWithAValidTokenAndABrokenKeyIsRefused() {
        ApiClient.Response both = api.get("/wallet/balance", new As(person.accessToken(), "sk_live_broken"));
        assertThat(both.status()).isEqualTo(401);
        assertThat(both.code()).isEqualTo("api_key_invalid");

        String key = api.createKey(person, "1H", "read");
        assertThat(api.get("/wallet/balance", new As(person.accessToken(), key)).status()).isEqualTo(200);
        assertThat(api.get("/wallet/balance", new As("broken", key)).code()).isEqualTo("token_invalid");
    }

    @Test
    void errorsAreProblemDetailsWithCodes() {
        ApiClient.Response missing = api.get("/wallet/balance", As.NOBODY);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("credentials_missing");
        assertThat(missing.header("content-type")).startsWith("application/problem+json");

        ApiClient.Response notFound = api.get("/nowhere", person.as());
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.code()).isEqualTo("not_found");

        ApiClient.Response method = api.request("DELETE", "/wallet/balance", person.as(), null, "");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.code()).isEqualTo("method_not_allowed");

        ApiClient.Response mediaType = api.request("POST", "/keys/create", person.as(), "text/plain", "hello");
        assertThat(mediaType.status()).isEqualTo(415);
        assertThat(mediaType.code()).isEqualTo("unsupported_media_type");

        ApiClient.Response badJson = api.post("/keys/create", person.as(), "{\"name\":");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.code()).isEqualTo("validation_failed");
        assertThat(badJson.header("content-type")).startsWith("application/problem+json");
    }

    private String idOf(String secret) {
        return api.get("/keys", person.as())
            .json()
            .valueStream()
            .filter(k -> secret.startsWith(k.path("prefix").asString()))
            .findFirst()
            .orElseThrow()
            .path("id")
            .asString();
    }

    private void expire(String keyId) throws Exception {
        try (Connection owner = stack.postgres().connect(PostgresServer.OWNER);
                PreparedStatement sql = owner.prepareStatement(
                        "update api_keys set expires_at = now() - interval '1 second' where id = ?::uuid")) {
            sql.setString(1, keyId);
            sql.executeUpdate();
        }
    }

}
