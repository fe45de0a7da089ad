package dev.walletpipeline.api.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import dev.walletpipeline.localstack.TopicProbe;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the API decides on its own, before ledger-worker: validation, the available
 * balance, idempotency, and the command that reaches Kafka through the outbox relay and
 * Debezium. Turns here group across wallets (a turn per wallet, the default, is a lane
 * per wallet: the same code, which the system tests run).
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "wallet.transfers.group-across-wallets=true")
class TransferRequestTests {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private ApiClient api;

    private LocalStack stack;

    private LedgerProbe ledger;

    private TopicProbe topics;

    private ApiClient.SignedIn sender;

    private ApiClient.SignedIn recipient;

    @BeforeEach
    void setUp(LocalStack stack) throws Exception {
        this.stack = stack;
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
        sender = api.signIn("sender-" + UUID.randomUUID() + "@example.com");
        recipient = api.signIn("recipient-" + UUID.randomUUID() + "@example.com");
    }

    @Test
    void anAcceptedTransferIsPendingAndItsCommandReachesKafkaKeyedBySourceWallet() throws Exception {
        UUID wallet = ledger.walletOfUser(UUID.fromString(sender.userId()));
        ledger.fund(wallet, 10_000);

        ApiClient.Response accepted = transfer(sender.as(), recipient.walletNumber(), "2500", null);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.text("status")).isEqualTo("pending");
        String id = accepted.text("transfer_id");
        assertThat(accepted.header("location")).isEqualTo("/wallet/transfers/" + id);

        ApiClient.Response balance = api.get("/wallet/balance", sender.as());
        assertThat(balance.json().path("balance").asLong()).isEqualTo(10_000);
        assertThat(balance.json().path("available").asLong()).isEqualTo(7_500);

        byte[] command = await().atMost(Duration.ofSeconds(30)).until(() -> commandFor(wallet, id), c -> c != null);
        TransferRequested requested = TransferRequested.fromJson(command);
        assertThat(requested.transferId()).hasToString(id);
        assertThat(requested.amount()).isEqualTo(2500);
        assertThat(requested.currency()).isEqualTo("NGN");
        assertThat(requested.fromWalletId()).isEqualTo(wallet);
        assertThat(requested.toWalletId()).isEqualTo(ledger.walletOfUser(UUID.fromString(recipient.userId())));
        assertThat(requested.requestedAt()).isEqualTo(Instant.parse(accepted.text("created_at")));
        assertThat(topics.recordsOn(Topic.TRANSFER_COMMANDS.name(), wallet.toString(), Duration.ofSeconds(2)))
            .as("one command for one transfer")
            .hasSize(1);

        ApiClient.Response status = api.get("/wallet/transfers/" + id, sender.as());
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.text("status")).isEqualTo("pending");
        assertThat(api.get("/wallet/transfers/" + id, recipient.as()).status())
            .as("a pending transfer is not the recipient's to see")
            .isEqualTo(404);
    }

    @Test
    void badRequestsAreRefusedWithPreciseCodesAndChangeNothing() throws Exception {
        UUID wallet = ledger.walletOfUser(UUID.fromString(sender.userId()));
        ledger.fund(wallet, 1_000);

        assertRefused(transfer(sender.as(), recipient.walletNumber(), "100.5", null), 400, "validation_failed",
                "amount");
        assertRefused(transfer(sender.as(), recipient.walletNumber(), "\"500\"", null), 400, "validation_failed",
                "amount");
        assertRefused(transfer(sender.as(), recipient.walletNumber(), "99", null), 400, "validation_failed", "amount");
        assertRefused(transfer(sender.as(), recipient.walletNumber(), "100000001", null), 400, "validation_failed",
                "amount");
        assertRefused(transfer(sender.as(), "123", "500", null), 400, "validation_failed", "wallet_number");
        assertRefused(api.post("/wallet/transfer", sender.as(), "{\"wallet_number\":1234567890123,\"amount\":500}"),
                400, "validation_failed", "wallet_number");
        assertRefused(api.post("/wallet/transfer", sender.as(), "{\"amount\":500}"), 400, "validation_failed",
                "wallet_number");
        assertRefused(transfer(sender.as(), "9999999999999", "500", null), 422, "recipient_not_found", null);
        assertRefused(transfer(sender.as(), sender.walletNumber(), "500", null), 422, "self_transfer", null);
        assertRefused(transfer(sender.as(), recipient.walletNumber(), "1001", null), 422, "insufficient_funds", null);
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(1_000);
    }

    @Test
    void theSameIdempotencyKeyTenTimesInParallelMakesOneTransfer() throws Exception {
        ledger.fund(ledger.walletOfUser(UUID.fromString(sender.userId())), 5_000);
        String key = UUID.randomUUID().toString();

        List<ApiClient.Response> responses = IntStream.range(0, 10)
            .mapToObj(i -> CompletableFuture
                .supplyAsync(() -> transfer(sender.as(), recipient.walletNumber(), "1000", key)))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();

        assertThat(responses).extracting(ApiClient.Response::status).containsOnly(202);
        assertThat(responses).extracting(r -> r.text("transfer_id")).containsOnly(responses.get(0).text("transfer_id"));
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(4_000);

        ApiClient.Response conflict = transfer(sender.as(), recipient.walletNumber(), "2000", key);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("idempotency_conflict");
    }

    @Test
    void fiftyParallelTransfersFromAWalletFundedForTwentyAcceptExactlyTwenty() throws Exception {
        ledger.fund(ledger.walletOfUser(UUID.fromString(sender.userId())), 20 * 500);

        List<Integer> statuses = IntStream.range(0, 50)
            .mapToObj(i -> CompletableFuture
                .supplyAsync(() -> transfer(sender.as(), recipient.walletNumber(), "500", null).status()))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();

        assertThat(statuses).filteredOn(s -> s == 202).hasSize(20);
        assertThat(statuses).filteredOn(s -> s == 422).hasSize(30);
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isZero();
    }

    @Test
    void requestsWaitingForTheirWalletsTurnAreDecidedInOneTransactionAndNeverOverspend() throws Exception {
        UUID wallet = ledger.walletOfUser(UUID.fromString(sender.userId()));
        ledger.fund(wallet, 10 * 500);
        String key = UUID.randomUUID().toString();
        DistributionSummary groups = meters.get("wallet.transfer.group.size").summary();
        long turnsBefore = groups.count();
        double requestsBefore = groups.totalAmount();
        List<ApiClient.Response> responses;
        try (HeldTurn held = new HeldTurn(wallet)) {
            for (int i = 0; i < 30; i++) {
                held.send("500", i < 5 ? key : null);
            }
            // the first to arrive runs a turn and waits for the lock; the others wait for
            // their turn
            held.awaitWaiting(29);
            responses = held.release();
        }

        assertThat(groups.count() - turnsBefore).as("one turn for the first, one for the 29 behind it").isEqualTo(2);
        assertThat(groups.totalAmount() - requestsBefore).isEqualTo(30);
        List<ApiClient.Response> keyed = responses.subList(0, 5);
        assertThat(keyed).extracting(ApiClient.Response::status).containsOnly(keyed.get(0).status());
        if (keyed.get(0).status() == 202) {
            assertThat(keyed).extracting(r -> r.text("transfer_id")).containsOnly(keyed.get(0).text("transfer_id"));
        }
        List<ApiClient.Response> accepted = responses.stream().filter(r -> r.status() == 202).toList();
        assertThat(accepted.stream().map(r -> r.text("transfer_id")).distinct()).hasSize(10);
        assertThat(responses).filteredOn(r -> r.status() != 202)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("insufficient_funds"));
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isZero();
        assertThat(transfersFrom(wallet)).isEqualTo(10);
    }

    @Test
    void aTurnDecidesItsRequestsInArrivalOrderEachAgainstWhatTheOnesBeforeLeft() throws Exception {
        UUID wallet = ledger.walletOfUser(UUID.fromString(sender.userId()));
        ledger.fund(wallet, 1_000);
        String key = UUID.randomUUID().toString();
        List<ApiClient.Response> responses;
        try (HeldTurn held = new HeldTurn(wallet)) {
            held.send("100", null);
            held.awaitFirstAtTheLock();
            held.send("500", key);
            held.awaitWaiting(1);
            held.send("500", key);
            held.awaitWaiting(2);
            held.send("600", key);
            held.awaitWaiting(3);
            held.send("500", null);
            held.awaitWaiting(4);
            held.send("400", null);
            held.awaitWaiting(5);
            responses = held.release();
        }

        assertThat(responses).extracting(ApiClient.Response::status).containsExactly(202, 202, 202, 409, 422, 202);
        assertThat(responses.get(2).text("transfer_id")).as("the key's repeat answers its first request")
            .isEqualTo(responses.get(1).text("transfer_id"));
        assertThat(responses.get(3).code()).isEqualTo("idempotency_conflict");
        assertThat(responses.get(4).code()).isEqualTo("insufficient_funds");
        assertThat(responses.get(4).text("detail")).endsWith("available balance of 400");
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isZero();
        assertThat(transfersFrom(wallet)).isEqualTo(3);
    }

    @Test
    void aRequestWhoseStatementFailsFailsAloneAndTheRestOfItsTurnIsDecided() throws Exception {
        UUID wallet = ledger.walletOfUser(UUID.fromString(sender.userId()));
        ledger.fund(wallet, 10_000);
        List<ApiClient.Response> responses;
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement ddl = db.createStatement()) {
            // a request the database refuses with an error, not a decision
            ddl.execute("""
                    create function refuse_777() returns trigger language plpgsql as $$
                    begin
                        if new.amount = 777 then raise exception 'the test refuses 777'; end if;
                        return new;
                    end $$;
                    create trigger refuse_777 before insert on transfers
                        for each row execute function refuse_777()""");
        }
        try (HeldTurn held = new HeldTurn(wallet)) {
            held.send("100", null);
            held.awaitFirstAtTheLock();
            for (String amount : List.of("200", "777", "300")) {
                held.send(amount, null);
            }
            held.awaitWaiting(3);
            responses = held.release();
        }
        finally {
            try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement ddl = db.createStatement()) {
                ddl.execute("drop trigger if exists refuse_777 on transfers; drop function if exists refuse_777()");
            }
        }

        assertThat(responses).extracting(ApiClient.Response::status).containsExactly(202, 202, 500, 202);
        assertThat(responses.get(2).code()).isEqualTo("internal_error");
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong())
            .isEqualTo(10_000 - 100 - 200 - 300);
        assertThat(transfersFrom(wallet)).isEqualTo(3);
    }

    @Test
    void requestsOfSeveralWalletsWaitingInOneLaneAreDecidedInOneTransactionEachAgainstItsOwnWallet() throws Exception {
        UUID first = ledger.walletOfUser(UUID.fromString(sender.userId()));
        ledger.fund(first, 1_000);
        ApiClient.SignedIn poor = personInTheLaneOf(first);
        ApiClient.SignedIn rich = personInTheLaneOf(first);
        ledger.fund(ledger.walletOfUser(UUID.fromString(poor.userId())), 300);
        ledger.fund(ledger.walletOfUser(UUID.fromString(rich.userId())), 5_000);
        DistributionSummary groups = meters.get("wallet.transfer.group.size").summary();
        long turnsBefore = groups.count();
        double requestsBefore = groups.totalAmount();
        List<ApiClient.Response> responses;
        try (HeldTurn held = new HeldTurn(first)) {
            held.send("100", null);
            held.awaitFirstAtTheLock();
            held.sendAs(poor, "500");
            held.awaitWaiting(1);
            held.sendAs(rich, "500");
            held.awaitWaiting(2);
            held.sendAs(poor, "200");
            held.awaitWaiting(3);
            responses = held.release();
        }

        assertThat(groups.count() - turnsBefore).as("one turn for the first, one for the three behind it").isEqualTo(2);
        assertThat(groups.totalAmount() - requestsBefore).isEqualTo(4);
        assertThat(responses).extracting(ApiClient.Response::status).containsExactly(202, 422, 202, 202);
        assertThat(responses.get(1).text("detail")).endsWith("available balance of 300");
        assertThat(api.get("/wallet/balance", poor.as()).json().path("available").asLong()).isEqualTo(100);
        assertThat(api.get("/wallet/balance", rich.as()).json().path("available").asLong()).isEqualTo(4_500);
    }

    /**
     * A new person whose wallet's requests take turns in the same lane as this wallet's
     * (Transfers: four lanes, by the id's hash).
     */
    private ApiClient.SignedIn personInTheLaneOf(UUID wallet) throws Exception {
        while (true) {
            ApiClient.SignedIn person = api.signIn("lane-" + UUID.randomUUID() + "@example.com");
            UUID theirs = ledger.walletOfUser(UUID.fromString(person.userId()));
            if (Math.floorMod(theirs.hashCode(), 4) == Math.floorMod(wallet.hashCode(), 4)) {
                return person;
            }
        }
    }

    /**
     * Another instance's turn of a wallet: holds the wallet's lock while the requests
     * sent here queue behind it, until released.
     */
    private final class HeldTurn implements AutoCloseable {

        private final UUID wallet;

        private final Connection db;

        private final ExecutorService clients = Executors.newCachedThreadPool();

        private final List<Future<ApiClient.Response>> sent = new ArrayList<>();

        HeldTurn(UUID wallet) throws Exception {
            this.wallet = wallet;
            this.db = stack.postgres().connect(PostgresServer.OWNER);
            db.setAutoCommit(false);
            try (PreparedStatement lock = db
                .prepareStatement("select pg_advisory_xact_lock(hashtextextended(?::text, 7))")) {
                lock.setObject(1, wallet);
                lock.execute();
            }
        }

        void send(String amount, @Nullable String idempotencyKey) {
            sent.add(clients.submit(() -> transfer(sender.as(), recipient.walletNumber(), amount, idempotencyKey)));
        }

        void sendAs(ApiClient.SignedIn from, String amount) {
            sent.add(clients.submit(() -> transfer(from.as(), recipient.walletNumber(), amount, null)));
        }

        /** Until the first request's turn waits for the lock held here. */
        void awaitFirstAtTheLock() {
            await().atMost(Duration.ofSeconds(30)).until(() -> lockWaiters() == 1 && waiting() == 0);
        }

        /** Until this many requests wait on this instance for their wallet's turn. */
        void awaitWaiting(int requests) {
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting() == requests);
        }

        /** Ends the held turn; the answers, in the order the requests were sent. */
        List<ApiClient.Response> release() throws Exception {
            db.rollback();
            List<ApiClient.Response> responses = new ArrayList<>();
            for (Future<ApiClient.Response> response : sent) {
                responses.add(response.get(30, TimeUnit.SECONDS));
            }
            return responses;
        }

        @Override
        public void close() throws Exception {
            clients.shutdownNow();
            db.close();
        }

        private double waiting() {
            return meters.get("wallet.transfer.waiting").gauge().value();
        }

        private int lockWaiters() throws Exception {
            try (Connection probe = stack.postgres().connect(PostgresServer.OWNER);
                    PreparedStatement sql = probe.prepareStatement("""
                            select count(*) from pg_locks
                            where locktype = 'advisory' and not granted
                              and (classid::bigint << 32 | objid::bigint) = hashtextextended(?::text, 7)""")) {
                sql.setObject(1, wallet);
                try (ResultSet rs = sql.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }

    }

    @Test
    void aKeyNeedsTheTransferPermissionToSendMoney() throws Exception {
        ledger.fund(ledger.walletOfUser(UUID.fromString(sender.userId())), 1_000);
        String read = api.createKey(sender, "1H", "read");
        String transfer = api.createKey(sender, "1H", "transfer");

        ApiClient.Response refused = transfer(As.key(read), recipient.walletNumber(), "500", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("detail")).contains("'transfer'");
        ApiClient.Response accepted = transfer(As.key(transfer), recipient.walletNumber(), "500", null);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(api.get("/wallet/transfers/" + accepted.text("transfer_id"), As.key(transfer)).status())
            .as("reading needs 'read'")
            .isEqualTo(403);
        assertThat(api.get("/wallet/transfers/" + accepted.text("transfer_id"), As.key(read)).status()).isEqualTo(200);
    }

    private ApiClient.Response transfer(As as, String walletNumber, String amountJson, String idempotencyKey) {
        String body = "{\"wallet_number\":\"" + walletNumber + "\",\"amount\":" + amountJson + "}";
        return idempotencyKey == null ? api.post("/wallet/transfer", as, body)
                : api.postWithHeader("/wallet/transfer", as, body, "Idempotency-Key", idempotencyKey);
    }

    private static void assertRefused(ApiClient.Response response, int status, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.code()).isEqualTo(code);
        if (field != null) {
            assertThat(response.text("field")).isEqualTo(field);
        }
    }

    private int transfersFrom(UUID wallet) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                PreparedStatement sql = db
                    .prepareStatement("select count(*) from transfers where from_wallet_id = ?")) {
            sql.setObject(1, wallet);
            try (ResultSet rs = sql.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private byte[] commandFor(UUID wallet, String transferId) {
        return topics.recordsOn(Topic.TRANSFER_COMMANDS.name(), wallet.toString(), Duration.ofSeconds(2))
            .stream()
            .filter(body -> new String(body).contains(transferId))
            .findFirst()
            .orElse(null);
    }

}
