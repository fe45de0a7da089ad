package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.client.ApiClient;
import dev.walletpipeline.client.api.ApiKeyControllerApi;
import dev.walletpipeline.client.api.DepositControllerApi;
import dev.walletpipeline.client.api.SignInControllerApi;
import dev.walletpipeline.client.api.StatementControllerApi;
import dev.walletpipeline.client.api.TransferControllerApi;
import dev.walletpipeline.client.api.WalletControllerApi;
import dev.walletpipeline.client.model.AuthorizationUrl;
import dev.walletpipeline.client.model.Balance;
import dev.walletpipeline.client.model.BulkItemView;
import dev.walletpipeline.client.model.BulkTransferItem;
import dev.walletpipeline.client.model.BulkTransferRequest;
import dev.walletpipeline.client.model.BulkTransferView;
import dev.walletpipeline.client.model.CreateRequest;
import dev.walletpipeline.client.model.DepositRequest;
import dev.walletpipeline.client.model.Entry;
import dev.walletpipeline.client.model.Item;
import dev.walletpipeline.client.model.Opened;
import dev.walletpipeline.client.model.Statement;
import dev.walletpipeline.client.model.Tokens;
import dev.walletpipeline.client.model.TransferRequest;
import dev.walletpipeline.client.model.TransferView;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The money path as a client team would walk it: with the Java client openapi-generator
 * makes from api-service/openapi.json, against the running pipeline.
 */
@ExtendWith(LocalStackExtension.class)
class GeneratedClientTests {

    private Pipeline pipeline;

    @BeforeEach
    void setUp(LocalStack stack) {
        pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
    }

    @Test
    void aGeneratedClientSignsInCreatesAKeyDepositsTransfersSendsABulkTransferAndReadsHistoryAndStatements()
            throws Exception {
        Tokens ada = signIn("client-ada-" + UUID.randomUUID() + "@example.com");
        Tokens bola = signIn("client-bola-" + UUID.randomUUID() + "@example.com");

        String key = new ApiKeyControllerApi(as(ada))
            .createApiKey(new CreateRequest().name("payments-service")
                .permissions(List.of("deposit", "transfer", "read"))
                .expiry("1D"))
            .getApiKey();
        ApiClient service = withKey(key);

        Opened deposit = new DepositControllerApi(service).openDeposit(new DepositRequest().amount(300_000L),
                UUID.randomUUID().toString());
        pipeline.stack.paystack().pay(deposit.getReference());
        WalletControllerApi wallet = new WalletControllerApi(service);
        await().atMost(Duration.ofSeconds(60)).until(() -> wallet.getBalance(null).getBalance() == 300_000L);

        TransferView transfer = new TransferControllerApi(service).createTransfer(
                new TransferRequest().walletNumber(bola.getUser().getWalletNumber()).amount(120_000L),
                UUID.randomUUID().toString(), "wait=5");
        await().atMost(Duration.ofSeconds(30))
            .until(() -> new TransferControllerApi(service).getTransfer(transfer.getTransferId())
                .getStatus()
                .equals("completed"));

        List<Item> history = wallet.listTransactions(20, null, null, null, null, null, null, null).getTransactions();
        assertThat(history).extracting(Item::getType).containsExactly("transfer_out", "deposit");
        assertThat(history).extracting(Item::getAmount).containsExactly(120_000L, 300_000L);
        assertThat(wallet.getBalance(null).getBalance()).isEqualTo(180_000L);
        assertThat(new WalletControllerApi(as(bola)).getBalance(null).getBalance()).isEqualTo(120_000L);

        BulkTransferView bulk = new TransferControllerApi(service)
            .createBulkTransfer(new BulkTransferRequest().atomic(true)
                .transfers(List.of(
                        new BulkTransferItem().walletNumber(bola.getUser().getWalletNumber())
                            .amount(10_000L)
                            .reference("payroll-1"),
                        new BulkTransferItem().walletNumber(bola.getUser().getWalletNumber())
                            .amount(20_000L)
                            .reference("payroll-2"))));
        assertThat(bulk.getTransfers()).extracting(BulkItemView::getReference)
            .containsExactly("payroll-1", "payroll-2");
        await().atMost(Duration.ofSeconds(30))
            .until(() -> new TransferControllerApi(service).getBulkTransfer(bulk.getBatchId())
                .getStatus()
                .equals("completed"));
        assertThat(wallet.getBalance(null).getBalance()).isEqualTo(150_000L);
        assertThat(new WalletControllerApi(as(bola)).getBalance(null).getBalance()).isEqualTo(150_000L);

        // Since yesterday in Lagos (so that midnight between the calls changes nothing):
        // the deposit and three transfers out, adding up.
        LocalDate today = LocalDate.now(ZoneId.of("Africa/Lagos"));
        Statement statement = new StatementControllerApi(service).getStatement(today.minusDays(1), today, null, null,
                null);
        assertThat(statement.getOpeningBalance()).isZero();
        assertThat(statement.getTotalIn()).isEqualTo(300_000L);
        assertThat(statement.getTotalOut()).isEqualTo(150_000L);
        assertThat(statement.getClosingBalance()).isEqualTo(150_000L);
        assertThat(statement.getEntries()).extracting(Entry::getType)
            .containsExactly("deposit", "transfer_out", "transfer_out", "transfer_out");
        assertThat(statement.getEntries()).extracting(Entry::getBalanceAfter)
            .containsExactly(300_000L, 180_000L, 170_000L, 150_000L);
        Entry deposited = statement.getEntries().get(0);
        Balance then = wallet.getBalance(deposited.getPostedAt());
        assertThat(then.getBalance()).as("the balance as the deposit left it").isEqualTo(300_000L);
        assertThat(then.getEntry().getSequence()).isEqualTo(deposited.getSequence());
        assertThat(wallet.listTransactions(20, null, "transfer_out", null, null, 15_000L, null, null).getTransactions())
            .extracting(Item::getAmount)
            .containsExactly(20_000L, 120_000L);
        assertThat(pipeline.ledger.ledgerInvariantViolations()).isEmpty();
    }

    /**
     * Google's part is a browser's: the stand-in's consent redirects to our callback. The
     * client keeps cookies, as a browser does, so the sign-in cookie set at the start
     * comes back at the callback (openapi-generator's native client does not send cookie
     * parameters itself).
     */
    private Tokens signIn(String email) throws Exception {
        ApiClient browserLike = client()
            .setHttpClientBuilder(HttpClient.newBuilder().cookieHandler(new CookieManager()));
        SignInControllerApi signIn = new SignInControllerApi(browserLike);
        AuthorizationUrl started = signIn.startSignIn(false, email);
        HttpResponse<Void> consent = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(started.getAuthorizationUrl())).build(),
                    HttpResponse.BodyHandlers.discarding());
        URI callback = URI.create(consent.headers().firstValue("location").orElseThrow());
        return signIn.finishSignIn(query(callback, "code"), query(callback, "state"), null, null);
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("no " + name + " in " + uri);
    }

    private ApiClient client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + pipeline.apiPort);
        return client;
    }

    private ApiClient as(Tokens person) {
        return client()
            .setRequestInterceptor(request -> request.header("Authorization", "Bearer " + person.getAccessToken()));
    }

    private ApiClient withKey(String key) {
        return client().setRequestInterceptor(request -> request.header("x-api-key", key));
    }

}
