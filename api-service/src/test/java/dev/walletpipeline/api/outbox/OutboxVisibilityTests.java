package dev.walletpipeline.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The relay sends a command only once the transfer it names is visible to other sessions:
 * Debezium reads a commit from the WAL a moment before PostgreSQL shows it to new
 * snapshots, and ledger-worker dead-letters a command whose transfer it cannot read. An
 * open transaction stands in for that moment here: its row is equally invisible.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OutboxVisibilityTests {

    @LocalServerPort
    int port;

    @Autowired
    OutboxRelay relay;

    @Test
    void aCommandWaitsUntilItsTransferIsVisibleToOtherSessions(LocalStack stack) throws Exception {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn sender = api.signIn("sender-" + UUID.randomUUID() + "@example.com");
        ApiClient.SignedIn recipient = api.signIn("recipient-" + UUID.randomUUID() + "@example.com");
        UUID transfer = UUID.randomUUID();
        try (Connection request = stack.postgres().connect(PostgresServer.OWNER)) {
            request.setAutoCommit(false);
            try (PreparedStatement insert = request.prepareStatement("""
                    insert into transfers (id, from_wallet_id, to_wallet_id, amount, created_at)
                    select ?, s.id, r.id, 100, now() from wallets s, wallets r
                    where s.number = ? and r.number = ?""")) {
                insert.setObject(1, transfer);
                insert.setString(2, sender.walletNumber());
                insert.setString(3, recipient.walletNumber());
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }

            CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
                try {
                    relay.awaitVisible(List.of(transfer));
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await("still waiting while the transfer is invisible to other sessions").during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(1))
                .until(() -> !waited.isDone());

            request.commit();
            waited.get(1, TimeUnit.SECONDS);
        }
        finally {
            // no request made it, so no ledger-worker will ever settle it
            forget(stack, transfer);
        }
    }

    @Test
    void aCommandWhoseTransferNeverAppearsIsSentAfterABoundedWait() throws Exception {
        long started = System.nanoTime();
        relay.awaitVisible(List.of(UUID.randomUUID()));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(2),
                Duration.ofSeconds(5));
    }

    private static void forget(LocalStack stack, UUID id) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                PreparedStatement delete = db.prepareStatement("delete from transfers where id = ?")) {
            delete.setObject(1, id);
            delete.executeUpdate();
        }
    }

}
