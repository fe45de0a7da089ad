package dev.walletpipeline.api.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WalletHistoryTests {

    @LocalServerPort
    int port;

    @Test
    void pagingNewestFirstNeitherRepeatsNorSkipsARowWhileNewRowsArrive(LocalStack stack) throws Exception {
        ApiClient api = new ApiClient(port);
        LedgerProbe ledger = new LedgerProbe(stack);
        ApiClient.SignedIn person = api.signIn("history-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            before.add(ledger.newPendingDeposit(wallet, 100 + i));
        }

        List<String> seen = new ArrayList<>();
        Set<String> arrivedMeanwhile = new HashSet<>();
        String cursor = null;
        do {
            ApiClient.Response page = api
                .get("/wallet/transactions?limit=7" + (cursor == null ? "" : "&cursor=" + cursor), person.as());
            assertThat(page.status()).isEqualTo(200);
            JsonNode body = page.json();
            body.path("transactions").forEach(item -> seen.add(item.path("id").asString()));
            cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asString();
            // a row arrives between pages
            arrivedMeanwhile.add(ledger.newPendingDeposit(wallet, 999));
        }
        while (cursor != null);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(before);
        assertThat(seen).doesNotContainAnyElementsOf(arrivedMeanwhile);
        ApiClient.Response first = api.get("/wallet/transactions?limit=100", person.as());
        assertThat(first.json().path("transactions").get(0).path("type").asString()).isEqualTo("deposit");
        assertThat(api.get("/wallet/transactions?cursor=garbage", person.as()).code()).isEqualTo("validation_failed");
        assertThat(api.get("/wallet/transactions?limit=0", person.as()).text("field")).isEqualTo("limit");
    }

    @Test
    void transactionsAreNarrowedByTypeTimeAmountAndReferenceAndBadFiltersAreRefused(LocalStack stack) throws Exception {
        ApiClient api = new ApiClient(port);
        LedgerProbe ledger = new LedgerProbe(stack);
        ApiClient.SignedIn person = api.signIn("filters-" + UUID.randomUUID() + "@example.com");
        ApiClient.SignedIn friend = api.signIn("friend-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        ledger.fund(wallet, 50_000);
        String small = ledger.newPendingDeposit(wallet, 300);
        Instant between = Instant.now();
        // the next deposit is recorded at a later instant than this one
        Awaitility.await()
            .atMost(Duration.ofSeconds(1))
            .pollInterval(Duration.ofMillis(1))
            .until(() -> Instant.now().isAfter(between.plusMillis(2)));
        String big = ledger.newPendingDeposit(wallet, 9_000);
        ApiClient.Response sent = api.post("/wallet/transfer", person.as(),
                "{\"wallet_number\":\"" + friend.walletNumber() + "\",\"amount\":1200}");
        String transfer = sent.text("transfer_id");

        assertThat(ids(api, person, "type=transfer_out")).containsExactly(transfer);
        assertThat(ids(api, person, "type=deposit")).hasSize(3).contains(small, big);
        assertThat(ids(api, person, "type=deposit&min_amount=301&max_amount=9000")).containsExactly(big);
        assertThat(ids(api, person, "max_amount=300")).containsExactly(small);
        assertThat(ids(api, person, "reference=" + transfer)).containsExactly(transfer);
        assertThat(ids(api, person, "reference=" + big)).containsExactly(big);
        assertThat(ids(api, person, "type=deposit&from=" + between)).containsExactly(big);
        assertThat(ids(api, person, "type=deposit&to=" + between)).hasSize(2).contains(small).doesNotContain(big);

        assertThat(refused(api, person, "type=bonus")).containsExactly("invalid_type", "type");
        assertThat(refused(api, person, "from=monday")).containsExactly("invalid_date", "from");
        assertThat(refused(api, person, "from=" + between + "&to=" + between)).containsExactly("invalid_date_range",
                "to");
        assertThat(refused(api, person, "min_amount=-1")).containsExactly("invalid_amount", "min_amount");
        assertThat(refused(api, person, "max_amount=lots")).containsExactly("invalid_amount", "max_amount");
        assertThat(refused(api, person, "min_amount=5&max_amount=4")).containsExactly("invalid_amount_range",
                "max_amount");
        assertThat(refused(api, person, "reference=" + "x".repeat(201))).containsExactly("invalid_reference",
                "reference");
    }

    private static List<String> ids(ApiClient api, ApiClient.SignedIn person, String query) {
        ApiClient.Response page = api.get("/wallet/transactions?limit=100&" + query, person.as());
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.json().path("transactions").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }

    private static List<String> refused(ApiClient api, ApiClient.SignedIn person, String query) {
        ApiClient.Response answer = api.get("/wallet/transactions?" + query, person.as());
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        return List.of(answer.code(), answer.text("field"));
    }

    @Test
    void historyStaysAnIndexScanWithAMillionTransfers(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            // everything below is rolled back: the other tests never see it
            db.setAutoCommit(false);
            sql.execute("""
                    create temporary table w on commit drop as
                    select gen_random_uuid() as user_id, gen_random_uuid() as wallet_id, n
                    from generate_series(0, 999) n""");
            sql.execute("insert into users (id, email) select user_id, user_id || '@load.example' from w");
            sql.execute("""
                    insert into wallets (id, user_id, number)
                    select wallet_id, user_id, lpad((9000000000000 + n)::text, 13, '0') from w""");
            sql.execute("""
                    insert into transfers (id, from_wallet_id, to_wallet_id, amount, status, completed_at, created_at)
                    select gen_random_uuid(), a.wallet_id, b.wallet_id, 100, 'completed', now(),
                           now() - make_interval(secs => i)
                    from generate_series(1, 1000000) i
                    join w a on a.n = i % 1000
                    join w b on b.n = (i * 7 + 1) % 1000""");
            sql.execute("analyze transfers");
            sql.execute("analyze wallets");
            String wallet;
            try (ResultSet rs = sql.executeQuery("select wallet_id::text from w where n = 17")) {
                rs.next();
                wallet = rs.getString(1);
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = sql
                .executeQuery("explain " + WalletHistory.PAGE.replace(":wallet", "'" + wallet + "'::uuid")
                    .replace(":afterTime", "null")
                    .replace(":afterId", "''")
                    .replace(":limit", "21")
                    .replace(":type", "null")
                    .replace(":from", "null")
                    .replace(":to", "null")
                    .replace(":minAmount", "null")
                    .replace(":maxAmount", "null")
                    .replace(":reference", "null"))) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            db.rollback();

            assertThat(plan.toString()).doesNotContain("Seq Scan on transfers").contains("transfers_by_recipient");
        }
    }

}
