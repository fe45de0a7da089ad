package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.example.BalanceProjection;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** wallet.ledger-events as downstream teams meet it: the example consumer, and replay. */
@ExtendWith(LocalStackExtension.class)
class LedgerEventsContractTests {

    private Pipeline pipeline;

    private LocalStack stack;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
    }

    @Test
    void theExampleConsumersProjectionEqualsTheLedgerAfterDepositsAndTransfers() throws Exception {
        List<ApiClient.SignedIn> people = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            people.add(pipeline.personWithBalance(50_000 + 1_000L * i));
        }
        Random random = new Random(42);
        List<String[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ApiClient.SignedIn from = people.get(random.nextInt(4));
            ApiClient.SignedIn to = people.get(random.nextInt(4));
            if (from == to) {
                continue;
            }
            ApiClient.Response response = pipeline.api.post("/wallet/transfer", from.as(), "{\"wallet_number\":\""
                    + to.walletNumber() + "\",\"amount\":" + (100 + random.nextInt(20_000)) + "}");
            if (response.status() == 202) {
                sent.add(new String[] { from.accessToken(), response.text("transfer_id") });
            }
        }
        await().atMost(Duration.ofSeconds(60))
            .until(() -> sent.stream()
                .noneMatch(t -> pipeline.api.get("/wallet/transfers/" + t[1], ApiClient.As.person(t[0]))
                    .text("status")
                    .equals("pending")));

        try (BalanceProjection projection = new BalanceProjection(stack.kafka().clientProperties("downstream"),
                "projection-" + UUID.randomUUID())) {
            projection.catchUp(Duration.ofSeconds(3));
            for (ApiClient.SignedIn person : people) {
                UUID wallet = pipeline.ledger.walletOfUser(UUID.fromString(person.userId()));
                assertThat(projection.wallets().get(wallet).balance()).isEqualTo(pipeline.ledger.balance(wallet));
                assertThat(projection.gaps()).noneMatch(gap -> gap.walletId().equals(wallet));
            }
        }
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void replayRepublishesAWalletsEventsWithTheirOriginalIdsAndAnUpToDateConsumerIgnoresThem() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(9_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        ApiClient.Response sent = pipeline.api.postWithHeader("/wallet/transfer", sender.as(),
                "{\"wallet_number\":\"" + recipient.walletNumber() + "\",\"amount\":4000}", "Prefer", "wait=10");
        assertThat(sent.text("status")).isEqualTo("completed");
        UUID wallet = pipeline.ledger.walletOfUser(UUID.fromString(sender.userId()));
        List<LedgerEvent> original = pipeline.topics.committedEvents(wallet, Duration.ofSeconds(3));
        assertThat(original).hasSize(2);

        try (BalanceProjection projection = new BalanceProjection(stack.kafka().clientProperties("downstream"),
                "replay-" + UUID.randomUUID())) {
            projection.catchUp(Duration.ofSeconds(3));
            long duplicatesBefore = projection.duplicates();

            Path project = Path.of(System.getProperty("wallet.project.dir", ".."));
            ProcessBuilder command = new ProcessBuilder(project.resolve("bin/replay-ledger-events").toString(),
                    wallet.toString())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "service-logs", "replay.log").toFile())
                .directory(project.toFile());
            command.environment().putAll(stack.environment("ledger-worker"));
            Process replay = command.start();
            assertThat(replay.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(replay.exitValue()).isZero();

            List<LedgerEvent> afterReplay = pipeline.topics.committedEvents(wallet, Duration.ofSeconds(3));
            assertThat(afterReplay).hasSize(4);
            Map<String, Long> idCounts = afterReplay.stream()
                .collect(Collectors.groupingBy(LedgerEvent::eventId, Collectors.counting()));
            assertThat(idCounts.keySet())
                .isEqualTo(original.stream().map(LedgerEvent::eventId).collect(Collectors.toSet()));
            assertThat(Set.copyOf(idCounts.values())).containsExactly(2L);

            projection.catchUp(Duration.ofSeconds(3));
            assertThat(projection.duplicates() - duplicatesBefore).isEqualTo(2);
            assertThat(projection.wallets().get(wallet).balance()).isEqualTo(5_000);
            assertThat(projection.gaps()).noneMatch(gap -> gap.walletId().equals(wallet));
        }
    }

}
