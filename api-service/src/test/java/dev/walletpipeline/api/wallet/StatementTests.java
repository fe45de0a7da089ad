package dev.walletpipeline.api.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Balances as of a moment and statements, over random histories posted straight into the
 * ledger with the database's own rules (balanced postings, below zero only by a refund or
 * a chargeback hold) and spread over two months, entries on day boundaries included.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatementTests {

    private static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");

    @LocalServerPort
    int port;

    private LocalStack stack;

    private ApiClient api;

    private LedgerProbe ledger;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
    }

    /** One posted entry of the wallet, as the test wrote it. */
    record Posted(Instant at, String type, long amount, long balanceAfter) {
    }

    @Test
    void openingPlusInMinusOutIsTheClosingBalanceOverRandomHistories() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            ApiClient.SignedIn person = api.signIn("statement-" + UUID.randomUUID() + "@example.com");
            UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
            List<Posted> history = postRandomHistory(wallet, random, 150);

            LocalDate firstDay = LocalDate.ofInstant(history.get(0).at(), LAGOS);
            LocalDate lastDay = LocalDate.ofInstant(history.get(history.size() - 1).at(), LAGOS);
            List<LocalDate[]> periods = new ArrayList<>();
            periods.add(new LocalDate[] { firstDay.minusDays(3), lastDay.plusDays(1) }); // everything
            // before anything
            periods.add(new LocalDate[] { firstDay.minusDays(10), firstDay.minusDays(1) });
            for (int i = 0; i < 6; i++) {
                LocalDate from = firstDay.plusDays(random.nextInt(60));
                periods.add(new LocalDate[] { from, from.plusDays(random.nextInt(15)) });
            }
            for (LocalDate[] period : periods) {
                assertStatementMatches(person, history, period[0], period[1]);
            }
            assertCsvMatches(person, history, firstDay.minusDays(1), lastDay);

            for (int i = 0; i < 20; i++) {
                Posted entry = history.get(random.nextInt(history.size()));
                assertBalanceAsOf(person, history, entry.at());
                assertBalanceAsOf(person, history, entry.at().minus(1, ChronoUnit.MICROS));
            }
            ApiClient.Response before = api.get("/wallet/balance?as_of=" + history.get(0).at().minusSeconds(1),
                    person.as());
            assertThat(before.json().path("balance").asLong()).isZero();
            assertThat(before.json().has("entry")).as("no entry yet").isFalse();
        }
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aPendingTransferIsInNoStatementAndOnlyTheBalanceNowShowsItThroughAvailable() throws Exception {
        ApiClient.SignedIn person = api.signIn("pending-" + UUID.randomUUID() + "@example.com");
        ApiClient.SignedIn friend = api.signIn("friend-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        ledger.fund(wallet, 10_000);
        ApiClient.Response sent = api.post("/wallet/transfer", person.as(),
                "{\"wallet_number\":\"" + friend.walletNumber() + "\",\"amount\":2500}");
        // no ledger-worker here: it stays pending
        assertThat(sent.status()).isEqualTo(202);

        LocalDate today = LocalDate.now(LAGOS);
        JsonNode statement = api.get("/wallet/statement?from=" + today + "&to=" + today, person.as()).json();
        assertThat(statement.path("count").asLong()).isEqualTo(1);
        assertThat(statement.path("entries").get(0).path("type").asString()).isEqualTo("deposit");
        assertThat(statement.path("closing_balance").asLong()).isEqualTo(10_000);
        assertThat(statement.path("total_out").asLong()).isZero();

        JsonNode now = api.get("/wallet/balance", person.as()).json();
        assertThat(now.path("available").asLong()).isEqualTo(7_500);
        JsonNode asOfNow = api
            .get("/wallet/balance?as_of=" + encode(Instant.now().minusMillis(1).toString()), person.as())
            .json();
        assertThat(asOfNow.path("balance").asLong()).isEqualTo(10_000);
        assertThat(asOfNow.has("available")).as("a past balance promises nothing").isFalse();
        assertThat(asOfNow.path("entry").path("sequence").asLong()).isEqualTo(1);
    }

    @Test
    void badStatementAndBalanceQueriesAreRefusedWithTheirOwnCodes() throws Exception {
        ApiClient.SignedIn person = api.signIn("bad-" + UUID.randomUUID() + "@example.com");
        assertRefused(api.get("/wallet/balance?as_of=yesterday", person.as()), "invalid_as_of", "as_of");
        assertRefused(api.get("/wallet/balance?as_of=2026-12-01T10:00:00", person.as()), "invalid_as_of", "as_of");
        assertRefused(api.get("/wallet/balance?as_of=" + encode(Instant.now().plusSeconds(60).toString()), person.as()),
                "as_of_in_future", "as_of");
        assertRefused(api.get("/wallet/statement?to=2026-12-01", person.as()), "invalid_date", "from");
        assertRefused(api.get("/wallet/statement?from=2026-12-01&to=1st", person.as()), "invalid_date", "to");
        assertRefused(api.get("/wallet/statement?from=2026-12-02&to=2026-12-01", person.as()), "invalid_date_range",
                "to");
        assertRefused(api.get("/wallet/statement?from=2025-01-01&to=2026-01-02", person.as()),
                "statement_period_too_long", "to"); // 367 days
        assertRefused(api.get("/wallet/statement?from=2026-12-01&to=2026-12-01&tz=Mars/Olympus", person.as()),
                "invalid_timezone", "tz");
        assertRefused(api.get("/wallet/statement?from=2026-12-01&to=2026-12-01&cursor=nope", person.as()),
                "validation_failed", "cursor");
        ApiClient.Response csv = api.request("GET", "/wallet/statement?from=2026-12-02&to=2026-12-01", person.as(),
                null, "", "Accept", "text/csv");
        assertThat(csv.status()).as(csv.body()).isEqualTo(400);
        assertThat(csv.code()).isEqualTo("invalid_date_range");
        assertThat(api.get("/wallet/statement?from=2024-01-01&to=2024-12-31", person.as()).status())
            .as("a year of 366 days is one statement")
            .isEqualTo(200);

        String depositOnly = api.createKey(person, "1D", "deposit");
        assertThat(api.get("/wallet/statement?from=2026-12-01&to=2026-12-01", ApiClient.As.key(depositOnly)).status())
            .isEqualTo(403);
        assertThat(api.get("/wallet/balance?as_of=2026-12-01T10:00:00Z", ApiClient.As.key(depositOnly)).status())
            .isEqualTo(403);
    }

    private void assertStatementMatches(ApiClient.SignedIn person, List<Posted> history, LocalDate from, LocalDate to) {
        Instant start = from.atStartOfDay(LAGOS).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(LAGOS).toInstant();
        List<Posted> expected = history.stream().filter(p -> !p.at().isBefore(start) && p.at().isBefore(end)).toList();
        long opening = balanceBefore(history, start);
        String query = "/wallet/statement?from=" + from + "&to=" + to + "&limit=7";
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        JsonNode first = null;
        do {
            ApiClient.Response page = api.get(query + (cursor == null ? "" : "&cursor=" + cursor), person.as());
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            JsonNode body = page.json();
            if (first == null) {
                first = body;
            }
            assertThat(body.path("opening_balance").asLong()).as("every page has the same summary")
                .isEqualTo(first.path("opening_balance").asLong());
            body.path("entries").forEach(entries::add);
            cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asString();
        }
        while (cursor != null);

        long in = expected.stream().filter(p -> p.amount() > 0).mapToLong(Posted::amount).sum();
        long out = -expected.stream().filter(p -> p.amount() < 0).mapToLong(Posted::amount).sum();
        assertThat(first.path("opening_balance").asLong()).isEqualTo(opening);
        assertThat(first.path("total_in").asLong()).isEqualTo(in);
        assertThat(first.path("total_out").asLong()).isEqualTo(out);
        assertThat(first.path("closing_balance").asLong()).isEqualTo(opening + in - out)
            .isEqualTo(balanceBefore(history, end));
        assertThat(first.path("count").asLong()).isEqualTo(expected.size());
        assertThat(first.path("period_start").asString()).isEqualTo(start.toString());
        assertThat(entries).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode entry = entries.get(i);
            assertThat(entry.path("type").asString()).isEqualTo(expected.get(i).type());
            assertThat(entry.path("amount").asLong()).isEqualTo(expected.get(i).amount());
            assertThat(entry.path("balance_after").asLong()).isEqualTo(expected.get(i).balanceAfter());
            assertThat(Instant.parse(entry.path("posted_at").asString())).isEqualTo(expected.get(i).at());
            assertThat(entry.path("reference").isNull()).isFalse();
        }
    }

    private void assertCsvMatches(ApiClient.SignedIn person, List<Posted> history, LocalDate from, LocalDate to) {
        ApiClient.Response csv = api.request("GET", "/wallet/statement?from=" + from + "&to=" + to, person.as(), null,
                "", "Accept", "text/csv");
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.header("content-type")).startsWith("text/csv");
        assertThat(csv.body()).endsWith("\r\n");
        String[] lines = csv.body().split("\r\n");
        Instant start = from.atStartOfDay(LAGOS).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(LAGOS).toInstant();
        List<Posted> expected = history.stream().filter(p -> !p.at().isBefore(start) && p.at().isBefore(end)).toList();
        assertThat(lines).hasSize(expected.size() + 3);
        assertThat(lines[0]).isEqualTo("posted_at,type,reference,counterparty_wallet_number,amount_kobo,amount_naira,"
                + "balance_after_kobo,balance_after_naira");
        long opening = balanceBefore(history, start);
        assertThat(lines[1]).isEqualTo(from.atStartOfDay(LAGOS).toOffsetDateTime() + ",opening_balance,,,,," + opening
                + "," + StatementController.naira(opening));
        long running = opening;
        for (int i = 0; i < expected.size(); i++) {
            String[] fields = lines[i + 2].split(",", -1);
            assertThat(fields).hasSize(8);
            assertThat(fields[1]).isEqualTo(expected.get(i).type());
            long amount = Long.parseLong(fields[4]);
            assertThat(amount).isEqualTo(expected.get(i).amount());
            assertThat(fields[5]).isEqualTo(StatementController.naira(amount));
            running += amount;
            assertThat(Long.parseLong(fields[6])).isEqualTo(running).isEqualTo(expected.get(i).balanceAfter());
        }
        assertThat(lines[lines.length - 1]).startsWith(
                to.plusDays(1).atStartOfDay(LAGOS).toOffsetDateTime() + ",closing_balance,,,,," + running + ",");
    }

    private void assertBalanceAsOf(ApiClient.SignedIn person, List<Posted> history, Instant at) {
        ApiClient.Response answer = api.get("/wallet/balance?as_of=" + encode(at.toString()), person.as());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long expected = balanceBefore(history, at.plus(1, ChronoUnit.MICROS));
        assertThat(answer.json().path("balance").asLong()).as("as of " + at).isEqualTo(expected);
        assertThat(answer.json().path("in_debt").asBoolean()).isEqualTo(expected < 0);
        if (history.get(0).at().isAfter(at)) {
            assertThat(answer.json().has("entry")).isFalse();
        }
        else {
            Instant restsOn = Instant.parse(answer.json().path("entry").path("posted_at").asString());
            assertThat(restsOn).isBeforeOrEqualTo(at);
        }
    }

    /** The balance the last entry before {@code instant} left. */
    private static long balanceBefore(List<Posted> history, Instant instant) {
        long balance = 0;
        for (Posted p : history) {
            if (p.at().isBefore(instant)) {
                balance = p.balanceAfter();
            }
        }
        return balance;
    }

    /**
     * Posts {@code count} random movements into the wallet, each balanced against a
     * system account of the test's own, at random times over about two months ending an
     * hour ago, some on day boundaries in Lagos and some sharing one instant.
     */
    private List<Posted> postRandomHistory(UUID wallet, Random random, int count) throws Exception {
        UUID counter = UUID.randomUUID();
        Instant newest = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = newest.minusSeconds(random.nextInt(60 * 86_400))
                .minusNanos(random.nextInt(1_000_000) * 1_000L);
            if (random.nextInt(10) == 0) {
                at = LocalDate.ofInstant(at, LAGOS).atStartOfDay(LAGOS).toInstant();
            }
            else if (random.nextInt(10) == 0 && !times.isEmpty()) {
                at = times.get(times.size() - 1);
            }
            times.add(at);
        }
        times.sort(null);
        List<Posted> history = new ArrayList<>();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            db.setAutoCommit(false);
            execute(db, "insert into wallets (id, number, kind) values (?, ?, 'transfers_in_transit')", counter,
                    String.format("0009%09d", random.nextInt(1_000_000_000)));
            UUID account = UUID.randomUUID();
            execute(db, """
                    insert into withdrawal_accounts (id, user_id, account_number, bank_code, bank_name, account_name,
                        recipient_code)
                    select ?, user_id, '0123456789', '058', 'Guaranty Trust Bank', 'ADA OBI', 'RCP_test'
                    from wallets where id = ?""", account, wallet);
            long balance = 0;
            long counterBalance = 0;
            for (int i = 0; i < count; i++) {
                long amount = 100 + random.nextInt(50_000);
                String type = pick(random, balance, amount);
                long signed = switch (type) {
                    case "deposit", "transfer_in", "chargeback_released", "withdrawal_returned" -> amount;
                    default -> -amount;
                };
                String counterType;
                String referenceColumn;
                Object reference;
                switch (type) {
                    case "deposit", "refund", "chargeback_hold", "chargeback_released" -> {
                        counterType = "deposit_clearing";
                        referenceColumn = "deposit_reference";
                        reference = ledger.newPendingDeposit(wallet, amount);
                    }
                    case "transfer_in", "transfer_out" -> {
                        counterType = "in_transit";
                        referenceColumn = "transfer_id";
                        UUID transfer = UUID.randomUUID();
                        execute(db, """
                                insert into transfers (id, from_wallet_id, to_wallet_id, amount, status, completed_at)
                                values (?, ?, ?, ?, 'completed', now())""", transfer,
                                type.equals("transfer_out") ? wallet : counter,
                                type.equals("transfer_out") ? counter : wallet, amount);
                        reference = transfer;
                    }
                    default -> {
                        counterType = "payout_clearing";
                        referenceColumn = "withdrawal_id";
                        UUID withdrawal = UUID.randomUUID();
                        execute(db, """
                                insert into withdrawals (id, wallet_id, account_id, recipient_code, amount, reference,
                                    status, reason, debited_at)
                                values (?, ?, ?, 'RCP_test', ?, ?, 'failed', 'test', now())""", withdrawal, wallet,
                                account, amount, withdrawal.toString());
                        reference = withdrawal;
                    }
                }
                balance += signed;
                counterBalance -= signed;
                String posting = "test:" + UUID.randomUUID();
                Timestamp at = Timestamp.from(times.get(i));
                execute(db, """
                        insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                            %1$s, counterparty_wallet_id, event_id, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, null, gen_random_uuid(), ?),
                               (?, ?, ?, ?, ?, ?, ?, ?, gen_random_uuid(), ?)""".formatted(referenceColumn), posting,
                        wallet, signed, balance, i + 1, type, reference, at, posting, counter, -signed, counterBalance,
                        i + 1, counterType, reference, wallet, at);
                history.add(new Posted(times.get(i), type, signed, balance));
            }
            execute(db, "update wallets set balance = ?, last_sequence = ?, last_posted_at = ? where id = ?", balance,
                    count, Timestamp.from(times.get(count - 1)), wallet);
            execute(db, "update wallets set balance = ?, last_sequence = ?, last_posted_at = ? where id = ?",
                    counterBalance, count, Timestamp.from(times.get(count - 1)), counter);
            db.commit();
        }
        return history;
    }

    /**
     * A movement the ledger allows: below zero only by a refund or a chargeback hold, and
     * nothing else leaves the wallet while it is there.
     */
    private static String pick(Random random, long balance, long amount) {
        String[] credits = { "deposit", "deposit", "transfer_in", "chargeback_released", "withdrawal_returned" };
        String[] debits = { "transfer_out", "withdrawal", "refund", "chargeback_hold" };
        if (random.nextBoolean() || balance < 0) {
            String debit = debits[random.nextInt(debits.length)];
            boolean mayGoNegative = debit.equals("refund") || debit.equals("chargeback_hold");
            if (balance >= 0 && (mayGoNegative || balance >= amount)) {
                return debit;
            }
        }
        return credits[random.nextInt(credits.length)];
    }

    private static void execute(Connection db, String sql, Object... params) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }

    private static void assertRefused(ApiClient.Response response, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.text("field")).isEqualTo(field);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
