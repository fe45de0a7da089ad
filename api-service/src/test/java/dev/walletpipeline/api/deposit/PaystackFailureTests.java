package dev.walletpipeline.api.deposit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Paystack that refuses, and Paystack that never answers: a clear problem either way, and
 * a deposit that is failed (refused) or left pending for reconciliation (timed out),
 * never half-made.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PaystackFailureTests {

    /** Accepts connections and never answers, like an overloaded upstream. */
    private static final ServerSocket SILENT = silentServer();

    private static final List<Socket> HELD = new ArrayList<>();

    @DynamicPropertySource
    static void paystack(DynamicPropertyRegistry registry) {
        registry.add("wallet.paystack.gateway-url", () -> "http://localhost:" + SILENT.getLocalPort());
        registry.add("wallet.paystack.read-timeout", () -> "1s");
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void close() throws IOException {
        SILENT.close();
    }

    @Test
    void paystackTimingOutGives504AndLeavesTheDepositPendingForReconciliation(LocalStack stack) throws Exception {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn person = api.signIn("timeout-" + UUID.randomUUID() + "@example.com");

        ApiClient.Response response = api.post("/wallet/deposit", person.as(), "{\"amount\":1000}");

        assertThat(response.status()).isEqualTo(504);
        assertThat(response.code()).isEqualTo("paystack_timeout");
        ApiClient.Response history = api.get("/wallet/transactions", person.as());
        assertThat(history.json().path("transactions").get(0).path("status").asString()).isEqualTo("pending");
    }

    private static ServerSocket silentServer() {
        try {
            ServerSocket server = new ServerSocket(0);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        HELD.add(server.accept());
                    }
                    catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-paystack");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
