package dev.walletpipeline.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The operator's desk: only operators get in, each queue shows what the pipeline set
 * aside oldest first and a page at a time, hostile bytes come back as text and base64,
 * and the trail can only grow.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperatorDeskTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LocalStack stack;

    private LedgerProbe ledger;

    private ApiClient.SignedIn operator;

    private Desk desk;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        operator = api.signIn(LocalStack.OPERATOR_EMAIL);
        desk = new Desk(api, operator, ledger);
    }

    @Test
    void everyRouteOfTheDeskRefusesACustomerAndAnyApiKeyWithOperatorOnly() {
        ApiClient.SignedIn customer = api.signIn("customer-" + UUID.randomUUID() + "@example.com");
        String operatorsOwnKey = api.createKey(operator, "1D", "read", "deposit", "transfer", "withdraw");
        List<String> routes = List.of("/ops/queues", "/ops/queues/dead_letters", "/ops/queues/dead_letters/1",
                "/ops/actions", "/ops/queues/no_such_queue?limit=0");

        for (String route : routes) {
            for (As who : List.of(customer.as(), As.key(operatorsOwnKey))) {
                ApiClient.Response refused = api.get(route, who);
                assertThat(refused.status()).as(route).isEqualTo(403);
                assertThat(refused.code()).as(route).isEqualTo("operator_only");
            }
            assertThat(api.get(route, As.NOBODY).status()).as(route).isEqualTo(401);
        }
        assertThat(api.get("/ops/queues", operator.as()).status()).isEqualTo(200);
    }

    @Test
    void onlyAnOperatorsAccessTokenCarriesTheOperatorScope() {
        ApiClient.SignedIn customer = api.signIn("customer-" + UUID.randomUUID() + "@example.com");

        assertThat(claims(operator.accessToken()).path("scope").asString()).isEqualTo("operator");
        assertThat(claims(customer.accessToken()).has("scope")).isFalse();
        // A refreshed token is issued anew against the allow-list.
        ApiClient.Response refreshed = api.post("/auth/refresh", As.NOBODY,
                "{\"refresh_token\":\"" + operator.refreshToken() + "\"}");
        assertThat(claims(refreshed.text("access_token")).path("scope").asString()).isEqualTo("operator");
    }

    @Test
    void eachQueueListsWhatThePipelineSetAsideOldestFirst() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID other = ledger.newWallet();
        String inReview = ledger.newPendingDeposit(wallet, 500_000);
        ledger.executeAsOwner("update deposits set status = 'review', review_reason = 'amount 400000 differs',"
                + " paystack_id = 77, settled_at = now() where reference = ?", inReview);
        String unknown = desk.exception("WLT-NOBODY-" + UUID.randomUUID(), "unknown reference");
        String overRefund = desk.exception(inReview,
                "refund rf_1 of 900000 would take back more than the deposit of 500000 (0 refunded before); nothing moved");
        String aboutTheReview = desk.exception(inReview, "amount 400000 differs from the 500000 opened");
        UUID stuck = ledger.newProcessingWithdrawal(wallet, "1 hour");
        UUID recentlySent = ledger.newProcessingWithdrawal(wallet, "1 second");
        UUID oldTransfer = ledger.newPendingTransfer(wallet, other, 1_000);
        ledger.executeAsOwner("update transfers set created_at = now() - interval '2 minutes' where id = ?",
                oldTransfer);
        UUID newTransfer = ledger.newPendingTransfer(wallet, other, 1_000);

        assertThat(desk.ids("deposits_in_review")).contains(inReview);
        assertThat(desk.ids("payment_exceptions")).contains(unknown).doesNotContain(overRefund, aboutTheReview);
        assertThat(desk.ids("over_refunds")).contains(overRefund).doesNotContain(unknown);
        assertThat(desk.ids("stuck_withdrawals")).contains(stuck.toString()).doesNotContain(recentlySent.toString());
        assertThat(desk.ids("pending_transfers")).contains(oldTransfer.toString())
            .doesNotContain(newTransfer.toString());

        JsonNode review = api.get("/ops/queues/deposits_in_review/" + inReview, operator.as()).json();
        assertThat(review.path("details").path("amount").asLong()).isEqualTo(500_000);
        assertThat(review.path("details").path("review_reason").asString()).isEqualTo("amount 400000 differs");
        assertThat(review.path("details").path("currency").asString()).isEqualTo("NGN");

        JsonNode summaries = api.get("/ops/queues", operator.as()).json().path("queues");
        List<String> names = new ArrayList<>();
        summaries.forEach(summary -> {
            names.add(summary.path("name").asString());
            if (summary.path("name").asString().equals("pending_transfers")) {
                assertThat(summary.path("count").asLong()).isPositive();
                assertThat(summary.path("oldest_age_seconds").asLong()).isGreaterThanOrEqualTo(110);
            }
        });
        assertThat(names).containsExactly("deposits_in_review", "payment_exceptions", "dead_letters", "over_refunds",
                "stuck_withdrawals", "pending_transfers");
    }

    @Test
    void aQueueIsReadAPageAtATimeWithEveryItemOnceAndBadParametersRefused() throws Exception {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(desk.deadLetter("wallet.transfer-commands", ("poison " + i).getBytes()));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api
                .get("/ops/queues/dead_letters?topic=wallet.transfer-commands&limit=2"
                        + (cursor == null ? "" : "&cursor=" + cursor), operator.as())
                .json();
            assertThat(page.path("items").size()).isLessThanOrEqualTo(2);
            page.path("items").forEach(item -> seen.add(item.path("id").asString()));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asString();
        }
        while (cursor != null);

        assertThat(seen).doesNotHaveDuplicates().containsAll(mine);
        assertThat(seen.indexOf(mine.get(0))).isLessThan(seen.indexOf(mine.get(4)));
        ApiClient.Response unknownQueue = api.get("/ops/queues/everything", operator.as());
        assertThat(unknownQueue.status()).isEqualTo(404);
        assertThat(unknownQueue.code()).isEqualTo("unknown_queue");
        assertThat(api.get("/ops/queues/dead_letters?limit=0", operator.as()).code()).isEqualTo("validation_failed");
        assertThat(api.get("/ops/queues/dead_letters?cursor=bm9wZQ", operator.as()).code())
            .isEqualTo("validation_failed");
        assertThat(api.get("/ops/queues/pending_transfers?topic=x", operator.as()).code())
            .isEqualTo("validation_failed");
        assertThat(api.get("/ops/queues/dead_letters/999999999", operator.as()).status()).isEqualTo(404);
    }

    @Test
    void aDeadLetterOfHostileBytesIsShownAsTextAndBase64NeverAsMarkup() throws Exception {
        byte[] hostile = "<script>alert('x')</script>\u0000\u001b[31m".getBytes(StandardCharsets.UTF_8);
        byte[] withInvalidUtf8 = new byte[hostile.length + 2];
        System.arraycopy(hostile, 0, withInvalidUtf8, 0, hostile.length);
        withInvalidUtf8[hostile.length] = (byte) 0xff;
        withInvalidUtf8[hostile.length + 1] = (byte) 0xc3;
        String id = desk.deadLetter("paystack.events", withInvalidUtf8);

        ApiClient.Response shown = api.get("/ops/queues/dead_letters/" + id, operator.as());

        assertThat(shown.header("content-type")).startsWith("application/json");
        JsonNode payload = shown.json().path("details").path("payload");
        assertThat(payload.path("text").asString()).startsWith("<script>alert('x')</script>\u0000\u001b[31m")
            .endsWith("\ufffd\ufffd");
        assertThat(Base64.getDecoder().decode(payload.path("base64").asString())).isEqualTo(withInvalidUtf8);
        assertThat(payload.path("valid_utf8").asBoolean()).isFalse();
        assertThat(payload.path("length").asInt()).isEqualTo(withInvalidUtf8.length);
        assertThat(shown.json().path("details").path("topic").asString()).isEqualTo("paystack.events");
    }

    @Test
    void theTrailCanOnlyGrowEvenForApiServicesOwnRoleAndTheSchemaOwner() throws Exception {
        UUID first = UUID.randomUUID();
        try (Connection db = stack.postgres().connect(PostgresServer.API)) {
            action(db, first, operator.userId(), LocalStack.OPERATOR_EMAIL, null, "0 seconds");

            assertThatThrownBy(() -> db.createStatement()
                .executeUpdate("update operator_actions set reason = 'rewritten' where id = '" + first + "'"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
            assertThatThrownBy(
                    () -> db.createStatement().executeUpdate("delete from operator_actions where id = '" + first + "'"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> action(db, UUID.randomUUID(), operator.userId(), LocalStack.OPERATOR_EMAIL, first,
                    "0 seconds"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cannot approve their own decision");
        }
        try (Connection owner = stack.postgres().connect(PostgresServer.OWNER)) {
            for (String change : List.of("update operator_actions set reason = 'rewritten'",
                    "delete from operator_actions", "truncate operator_actions")) {
                assertThatThrownBy(() -> owner.createStatement().executeUpdate(change)).as(change)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            }
        }
        assertThat(ledger.queryAsOwner("select reason from operator_actions where id = ?", first))
            .isEqualTo("a reason");
    }

    @Test
    void theTrailListsActionsNewestFirstNarrowedByOperatorKindAndTime() throws Exception {
        ApiClient.SignedIn second = api.signIn("second-operator-" + UUID.randomUUID() + "@example.com");
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        UUID byTheSecond = UUID.randomUUID();
        try (Connection db = stack.postgres().connect(PostgresServer.API)) {
            action(db, older, operator.userId(), LocalStack.OPERATOR_EMAIL, null, "1 day");
            action(db, newer, operator.userId(), LocalStack.OPERATOR_EMAIL, null, "0 seconds");
            action(db, byTheSecond, second.userId(), "second@example.com", newer, "0 seconds");
        }

        JsonNode mine = api
            .get("/ops/actions?operator=" + LocalStack.OPERATOR_EMAIL + "&kind=dead_letter&limit=200", operator.as())
            .json();
        List<String> ids = new ArrayList<>();
        mine.path("items").forEach(item -> ids.add(item.path("id").asString()));
        assertThat(ids).contains(newer.toString(), older.toString()).doesNotContain(byTheSecond.toString());
        assertThat(ids.indexOf(newer.toString())).isLessThan(ids.indexOf(older.toString()));

        String since = Instant.now().minusSeconds(3600).toString();
        JsonNode recent = api.get("/ops/actions?from=" + since + "&limit=200", operator.as()).json();
        List<String> recentIds = new ArrayList<>();
        recent.path("items").forEach(item -> recentIds.add(item.path("id").asString()));
        assertThat(recentIds).contains(newer.toString(), byTheSecond.toString()).doesNotContain(older.toString());
        JsonNode approval = recent.path("items").get(recentIds.indexOf(byTheSecond.toString()));
        assertThat(approval.path("approves").asString()).isEqualTo(newer.toString());
        assertThat(approval.path("before").path("status").asString()).isEqualTo("open");

        assertThat(api.get("/ops/actions?kind=everything", operator.as()).code()).isEqualTo("validation_failed");
        assertThat(api.get("/ops/actions?from=yesterday", operator.as()).code()).isEqualTo("validation_failed");
    }

    /** An action as the desk records one, made {@code ago} (an interval) before now. */
    private static void action(Connection db, UUID id, String operatorId, String email, UUID approves, String ago)
            throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
                insert into operator_actions (id, operator_id, operator_email, at, subject_kind, subject_id, decision,
                    reason, before, after, approves)
                values (?, ?::uuid, ?, now() - ?::interval, 'dead_letter', ?::text, 'closed', 'a reason',
                    '{"status":"open"}', '{"status":"closed"}', ?)""")) {
            insert.setObject(1, id);
            insert.setString(2, operatorId);
            insert.setString(3, email);
            insert.setString(4, ago);
            // its own subject, or the one of the decision it approves
            insert.setObject(5, approves == null ? id : approves);
            insert.setObject(6, approves);
            insert.executeUpdate();
        }
    }

    private static JsonNode claims(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(payload);
    }

}
