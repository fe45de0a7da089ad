package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import dev.walletpipeline.localstack.ServiceProcess;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transfers through the whole pipeline (API, outbox, Debezium, Kafka, ledger-worker),
 * including crashes of each moving part. Every test ends with the ledger's invariants.
 */
@ExtendWith(LocalStackExtension.class)
class TransferPipelineTests {

    private Pipeline pipeline;

    private ApiClient api;

    @BeforeEach
    void setUp(LocalStack stack) {
        pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
        api = pipeline.api;
    }

    @Test
    void fiftyParallelTransfersFromAWalletFundedForTwentyCompleteExactlyTwentyAndLeaveZero() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(20 * 1_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);

        List<ApiClient.Response> responses = IntStream.range(0, 50)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> transfer(sender, recipient, 1_000)))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();

        List<String> accepted = responses.stream()
            .filter(r -> r.status() == 202)
            .map(r -> r.text("transfer_id"))
            .toList();
        assertThat(accepted).hasSize(20);
        assertThat(responses).filteredOn(r -> r.status() == 422)
            .extracting(ApiClient.Response::code)
            .hasSize(30)
            .containsOnly("insufficient_funds");
        awaitFinal(sender, accepted, Duration.ofSeconds(60));
        assertThat(statuses(sender, accepted)).containsOnly("completed");
        assertThat(balance(sender)).isZero();
        assertThat(balance(recipient)).isEqualTo(20_000);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void ledgerWorkerStoppedBetweenATransfersDebitAndCreditLegsCreditsItOnceAfterRestart() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(9_000);
        // Between two partitions a transfer goes in two legs (within one, in one step).
        ApiClient.SignedIn recipient = personWhosePartition(sender, false);
        UUID senderWallet = pipeline.ledger.walletOfUser(UUID.fromString(sender.userId()));
        UUID recipientWallet = pipeline.ledger.walletOfUser(UUID.fromString(recipient.userId()));
        String[] id = new String[1];
        assertThat(pipeline.ledgerWorkerHaltingAt("LEDGER_FAULT_HALT_AFTER_CREDIT_LEG_SENT", Duration.ofSeconds(60),
                () -> id[0] = transfer(sender, recipient, 4_000).text("transfer_id")))
            .as("the worker halted between the legs")
            .isTrue();
        // The money is on its way: out of the sender, not yet with the recipient.
        assertThat(statuses(sender, List.of(id[0]))).containsExactly("pending");
        assertThat(balance(sender)).isEqualTo(5_000);
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(5_000);
        assertThat(balance(recipient)).isZero();
        assertThat(pipeline.ledger.moneyInTransit()).isEqualTo(4_000);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();

        pipeline.ledgerWorker.start().awaitReady(Duration.ofMinutes(2));

        awaitFinal(sender, List.of(id[0]), Duration.ofSeconds(60));
        assertThat(statuses(sender, List.of(id[0]))).containsExactly("completed");
        assertThat(balance(recipient)).isEqualTo(4_000);
        assertThat(pipeline.ledger.moneyInTransit()).isZero();
        assertThat(pipeline.topics.committedEvents(recipientWallet, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::amount, LedgerEvent::sequence)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.TransferCompleted, 4_000L, 1L));
        assertThat(pipeline.topics.committedEvents(senderWallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .endsWith(LedgerEvent.Type.TransferCompleted);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void ledgerWorkerDyingBetweenItsCommitsAfterATransferWithinOnePartitionPostsItOnceAndEmitsBothEventsOnce()
            throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(9_000);
        ApiClient.SignedIn recipient = personWhosePartition(sender, true);
        UUID senderWallet = pipeline.ledger.walletOfUser(UUID.fromString(sender.userId()));
        UUID recipientWallet = pipeline.ledger.walletOfUser(UUID.fromString(recipient.userId()));
        String[] id = new String[1];
        assertThat(pipeline.ledgerWorkerHaltingAt("LEDGER_FAULT_HALT_AFTER_DB_COMMIT", Duration.ofSeconds(60),
                () -> id[0] = transfer(sender, recipient, 4_000).text("transfer_id")))
            .as("the worker halted between its two commits")
            .isTrue();
        assertThat(statuses(sender, List.of(id[0]))).as("posted whole in the database").containsExactly("completed");
        assertThat(pipeline.topics.committedEvents(recipientWallet, Duration.ofSeconds(2)))
            .as("its Kafka transaction did not commit")
            .isEmpty();

        pipeline.ledgerWorker.start().awaitReady(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(60))
            .until(() -> !pipeline.topics.committedEvents(recipientWallet, Duration.ofSeconds(1)).isEmpty());
        Map<UUID, List<LedgerEvent>> events = pipeline.topics.committedEvents(Set.of(senderWallet, recipientWallet),
                Duration.ofSeconds(4));
        assertThat(events.get(recipientWallet))
            .extracting(LedgerEvent::type, LedgerEvent::amount, LedgerEvent::sequence)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.TransferCompleted, 4_000L, 1L));
        assertThat(events.get(senderWallet)).filteredOn(e -> id[0].equals(String.valueOf(e.transferId())))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.TransferCompleted, 5_000L));
        assertThat(balance(sender)).isEqualTo(5_000);
        assertThat(balance(recipient)).isEqualTo(4_000);
        assertThat(pipeline.ledger.moneyInTransit()).isZero();
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aTransferWithPreferWaitAnswersWithItsOutcome() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(5_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);

        ApiClient.Response response = api.postWithHeader("/wallet/transfer", sender.as(),
                "{\"wallet_number\":\"" + recipient.walletNumber() + "\",\"amount\":1500}", "Prefer", "wait=10");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text("status")).isEqualTo("completed");
        ApiClient.Response seenByRecipient = api.get("/wallet/transfers/" + response.text("transfer_id"),
                recipient.as());
        assertThat(seenByRecipient.status()).isEqualTo(200);
        assertThat(seenByRecipient.text("from_wallet_number")).isEqualTo(sender.walletNumber());
        assertThat(api.get("/wallet/transactions", recipient.as())
            .json()
            .path("transactions")
            .get(0)
            .path("type")
            .asString()).isEqualTo("transfer_in");
    }

    @Test
    void transfersBackAndForthBetweenTwoWalletsNeverDeadlockAndConserveMoney() throws Exception {
        ApiClient.SignedIn alice = pipeline.personWithBalance(50_000);
        ApiClient.SignedIn bob = pipeline.personWithBalance(50_000);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<CompletableFuture<ApiClient.Response>> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean forth = i % 2 == 0;
            sent.add(CompletableFuture.supplyAsync(() -> forth ? transfer(alice, bob, 700) : transfer(bob, alice, 700),
                    clients));
        }
        List<String> aliceSent = new ArrayList<>();
        List<String> bobSent = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            ApiClient.Response response = sent.get(i).join();
            assertThat(response.status()).isEqualTo(202);
            (i % 2 == 0 ? aliceSent : bobSent).add(response.text("transfer_id"));
        }
        clients.shutdown();
        awaitFinal(alice, aliceSent, Duration.ofSeconds(60));
        awaitFinal(bob, bobSent, Duration.ofSeconds(60));
        assertThat(statuses(alice, aliceSent)).containsOnly("completed");
        assertThat(statuses(bob, bobSent)).containsOnly("completed");
        assertThat(balance(alice) + balance(bob)).isEqualTo(100_000);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aTransferCommittedWhileTheReplicationSlotWasLostIsStillAppliedAndTheNewSlotStreams() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(50_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        UUID from = pipeline.ledger.walletOfUser(UUID.fromString(sender.userId()));
        UUID to = pipeline.ledger.walletOfUser(UUID.fromString(recipient.userId()));
        pipeline.apiService.close();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection cdc = pipeline.stack.postgres().connect(PostgresServer.CDC);
                    Statement sql = cdc.createStatement()) {
                sql.execute("select pg_drop_replication_slot('wallet_outbox')");
                return true;
            }
        });
        // Committed while no slot exists, as api-service records a transfer: no slot made
        // later can stream it.
        UUID lost = UUID.randomUUID();
        pipeline.ledger.executeAsOwner(
                "insert into transfers (id, from_wallet_id, to_wallet_id, amount) values (?, ?, ?, 4000)", lost, from,
                to);

        pipeline.apiService.start().awaitReady(Duration.ofMinutes(2));

        awaitFinal(sender, List.of(lost.toString()), Duration.ofSeconds(60));
        ApiClient.Response after = transfer(sender, recipient, 1_000);
        assertThat(after.status()).isEqualTo(202);
        awaitFinal(sender, List.of(after.text("transfer_id")), Duration.ofSeconds(60));
        assertThat(statuses(sender, List.of(lost.toString(), after.text("transfer_id")))).containsOnly("completed");
        assertThat(balance(recipient)).isEqualTo(5_000);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aTransferWhoseCommandWasLostAfterPublishingIsSentAgainAndAppliedOnce() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(20_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        UUID from = pipeline.ledger.walletOfUser(UUID.fromString(sender.userId()));
        UUID to = pipeline.ledger.walletOfUser(UUID.fromString(recipient.userId()));

        // Pending, its command nowhere, as after a recreated topic: the stream sees the
        // insert of a transfer already decided, which is not a command, and not the
        // update that made it pending in the same transaction.
        UUID transfer = UUID.randomUUID();
        try (Connection owner = pipeline.stack.postgres().connect(PostgresServer.OWNER);
                Statement sql = owner.createStatement()) {
            owner.setAutoCommit(false);
            sql.executeUpdate("""
                    insert into transfers (id, from_wallet_id, to_wallet_id, amount, status, reason)
                    values ('%s', '%s', '%s', 2500, 'rejected', 'lost')""".formatted(transfer, from, to));
            sql.executeUpdate(
                    "update transfers set status = 'pending', reason = null where id = '%s'".formatted(transfer));
            owner.commit();
        }

        awaitFinal(sender, List.of(transfer.toString()), Duration.ofSeconds(60));
        assertThat(statuses(sender, List.of(transfer.toString()))).containsOnly("completed");
        assertThat(balance(recipient)).isEqualTo(2_500);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void apiServiceKilledRightAfterAcceptingTransfersPublishesThemAfterRestart() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(30_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ApiClient.Response response = transfer(sender, recipient, 1_000);
            assertThat(response.status()).isEqualTo(202);
            accepted.add(response.text("transfer_id"));
        }
        pipeline.apiService.kill();

        pipeline.apiService.start().awaitReady(Duration.ofMinutes(2));

        awaitFinal(sender, accepted, Duration.ofSeconds(90));
        assertThat(statuses(sender, accepted)).containsOnly("completed");
        assertThat(balance(recipient)).isEqualTo(10_000);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void withTwoApiServicesExactlyOneRelaysTheOutboxAndTheOtherTakesOverWhenItDies() throws Exception {
        int port = Pipeline.newPort();
        ServiceProcess second = pipeline.secondApiService(port).start();
        try {
            second.awaitReady(Duration.ofMinutes(2));
            await().atMost(Duration.ofSeconds(20))
                .until(() -> leaders(pipeline.apiService.managementPort()) + leaders(second.managementPort()) == 1);
            assertThat(leaders(pipeline.apiService.managementPort()) + leaders(second.managementPort())).isEqualTo(1);

            pipeline.apiService.kill();
            ApiClient viaSecond = new ApiClient(port);
            ApiClient.SignedIn sender = pipeline.personWithBalanceVia(viaSecond, 5_000);
            ApiClient.SignedIn recipient = viaSecond.signIn("r-" + UUID.randomUUID() + "@example.com");
            ApiClient.Response response = viaSecond.postWithHeader("/wallet/transfer", sender.as(),
                    "{\"wallet_number\":\"" + recipient.walletNumber() + "\",\"amount\":2000}", "Prefer", "wait=10");
            await().atMost(Duration.ofSeconds(30))
                .until(() -> viaSecond.get("/wallet/transfers/" + response.text("transfer_id"), sender.as())
                    .text("status")
                    .equals("completed"));
            assertThat(leaders(second.managementPort())).isEqualTo(1);
        }
        finally {
            second.close();
            pipeline.ensureRunning();
        }
    }

    private static int leaders(int port) {
        ApiClient.Response metrics = new ApiClient(port).get("/actuator/prometheus", ApiClient.As.NOBODY);
        return metrics.body()
            .lines()
            .filter(line -> line.startsWith("wallet_outbox_leader"))
            .mapToInt(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
    }

    @Test
    void ledgerWorkerKilledMidStreamAppliesEveryTransferExactlyOnce() throws Exception {
        List<ApiClient.SignedIn> people = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            people.add(pipeline.personWithBalance(100_000));
        }
        List<String[]> accepted = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 120; i++) {
                ApiClient.SignedIn from = people.get(i % 4);
                ApiClient.SignedIn to = people.get((i + 1) % 4);
                ApiClient.Response response = transfer(from, to, 100 + i);
                if (response.status() == 202) {
                    accepted.add(new String[] { from.accessToken(), response.text("transfer_id") });
                }
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 30);
        pipeline.ledgerWorker.kill();
        load.join();
        pipeline.ledgerWorker.start().awaitReady(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(120)).until(() -> pendingTransfers() == 0);
        assertThat(accepted).hasSize(120);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
        assertEachLedgerEventCommittedOnce(people);
    }

    @Test
    void postgresRestartedUnderLoadLosesNoAcceptedTransfer() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(100_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                ApiClient.Response response = transfer(sender, recipient, 100);
                if (response.status() == 202) {
                    accepted.add(response.text("transfer_id"));
                }
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 10);
        pipeline.stack.postgres().restart();
        load.join();

        await().atMost(Duration.ofSeconds(120)).until(() -> pendingTransfers() == 0);
        assertThat(statuses(sender, accepted)).containsOnly("completed");
        assertThat(balance(recipient)).isEqualTo(100L * accepted.size());
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    private ApiClient.Response transfer(ApiClient.SignedIn from, ApiClient.SignedIn to, long amount) {
        return api.post("/wallet/transfer", from.as(),
                "{\"wallet_number\":\"" + to.walletNumber() + "\",\"amount\":" + amount + "}");
    }

    private long balance(ApiClient.SignedIn person) {
        return api.get("/wallet/balance", person.as()).json().path("balance").asLong();
    }

    private List<String> statuses(ApiClient.SignedIn sender, List<String> transferIds) {
        return transferIds.stream().map(id -> api.get("/wallet/transfers/" + id, sender.as()).text("status")).toList();
    }

    private void awaitFinal(ApiClient.SignedIn sender, List<String> transferIds, Duration atMost) {
        await().atMost(atMost)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> !statuses(sender, transferIds).contains("pending"));
    }

    private long pendingTransfers() throws Exception {
        try (Connection db = pipeline.stack.postgres().connect(PostgresServer.OWNER);
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("select count(*) from transfers where status = 'pending'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Among committed records every ledger event id appears once, and each wallet's
     * events are on the topic in sequence order, without gaps or repeats.
     */
    private void assertEachLedgerEventCommittedOnce(List<ApiClient.SignedIn> people) throws Exception {
        for (ApiClient.SignedIn person : people) {
            UUID wallet = pipeline.ledger.walletOfUser(UUID.fromString(person.userId()));
            // in the order a read_committed consumer reads them, unsorted
            List<LedgerEvent> events = pipeline.topics.committedEvents(wallet, Duration.ofSeconds(4));
            Set<String> ids = new HashSet<>();
            for (LedgerEvent event : events) {
                assertThat(ids.add(event.eventId())).as("event %s committed once", event.eventId()).isTrue();
            }
            assertThat(events).extracting(LedgerEvent::sequence)
                .containsExactlyElementsOf(sequenceOneTo(events.size()));
            assertThat(events.get(events.size() - 1).balanceAfter()).isEqualTo(pipeline.ledger.balance(wallet));
        }
    }

    private static List<Long> sequenceOneTo(int size) {
        List<Long> range = new ArrayList<>();
        for (long i = 1; i <= size; i++) {
            range.add(i);
        }
        return range;
    }

    /**
     * A new person with an empty wallet whose commands are on the same partition as
     * {@code other}'s, or on another one.
     */
    private ApiClient.SignedIn personWhosePartition(ApiClient.SignedIn other, boolean same) throws Exception {
        int partitions = pipeline.stack.partitions();
        int theirs = Topic.partitionOf(pipeline.ledger.walletOfUser(UUID.fromString(other.userId())).toString(),
                partitions);
        while (true) {
            ApiClient.SignedIn person = pipeline.personWithBalance(0);
            String wallet = pipeline.ledger.walletOfUser(UUID.fromString(person.userId())).toString();
            if ((Topic.partitionOf(wallet, partitions) == theirs) == same) {
                return person;
            }
        }
    }

}
