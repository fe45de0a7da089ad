package dev.walletpipeline.api.deposit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Opening deposits against the Paystack stand-in, in Paystack's wire format. */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DepositRequestTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LocalStack stack;

    private ApiClient.SignedIn person;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        api = new ApiClient(port);
        person = api.signIn("depositor-" + UUID.randomUUID() + "@example.com");
    }

    @Test
    void aDepositIsOpenedWithAReferenceAndPaystacksCheckoutUrl() {
        ApiClient.Response opened = api.post("/wallet/deposit", person.as(), "{\"amount\":500000}");

        assertThat(opened.status()).isEqualTo(201);
        String reference = opened.text("reference");
        assertThat(reference).matches("WLT-[A-Z0-9]{16}");
        assertThat(opened.json().path("amount").asLong()).isEqualTo(500_000);
        assertThat(opened.text("authorization_url")).startsWith(stack.paystack().baseUrl() + "/checkout/");
        assertThat(ApiClient.getAbsolute(opened.text("authorization_url")).body()).contains("Pay NGN 5000.00");

        ApiClient.Response status = api.get("/wallet/deposit/" + reference + "/status", person.as());
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.text("status")).isEqualTo("pending");
    }

    @Test
    void anIdempotencyKeyReturnsTheSameDepositAndRefusesADifferentAmount() {
        String key = UUID.randomUUID().toString();
        ApiClient.Response first = api.postWithHeader("/wallet/deposit", person.as(), "{\"amount\":1000}",
                "Idempotency-Key", key);
        ApiClient.Response again = api.postWithHeader("/wallet/deposit", person.as(), "{\"amount\":1000}",
                "Idempotency-Key", key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.text("reference")).isEqualTo(first.text("reference"));
        assertThat(again.text("authorization_url")).isEqualTo(first.text("authorization_url"));

        ApiClient.Response other = api.postWithHeader("/wallet/deposit", person.as(), "{\"amount\":2000}",
                "Idempotency-Key", key);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("idempotency_conflict");
    }

    @Test
    void amountsOutsideTheLimitsOrNotIntegersAreRefused() {
        for (String amount : new String[] { "99", "100000001", "100.5", "\"1000\"", "null" }) {
            ApiClient.Response refused = api.post("/wallet/deposit", person.as(), "{\"amount\":" + amount + "}");
            assertThat(refused.status()).as(amount).isEqualTo(400);
            assertThat(refused.text("field")).isEqualTo("amount");
        }
    }

    @Test
    void theStatusEndpointOnlyReadsItNeverCreditsAndNeverCallsPaystack() throws Exception {
        ApiClient.Response opened = api.post("/wallet/deposit", person.as(), "{\"amount\":7000}");
        String reference = opened.text("reference");
        stack.paystack().payWithoutWebhook(reference);
        int verificationsBefore = stack.paystack().verifications();

        for (int i = 0; i < 5; i++) {
            assertThat(api.get("/wallet/deposit/" + reference + "/status", person.as()).text("status"))
                .isEqualTo("pending");
        }

        assertThat(stack.paystack().verifications()).isEqualTo(verificationsBefore);
        assertThat(
                new LedgerProbe(stack).balance(new LedgerProbe(stack).walletOfUser(UUID.fromString(person.userId()))))
            .isZero();
    }

    @Test
    void anotherPersonsDepositIsNotFoundAndPermissionsApply() {
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":1000}").text("reference");
        ApiClient.SignedIn stranger = api.signIn("stranger-" + UUID.randomUUID() + "@example.com");
        assertThat(api.get("/wallet/deposit/" + reference + "/status", stranger.as()).status()).isEqualTo(404);

        String depositOnly = api.createKey(person, "1H", "deposit");
        assertThat(api.post("/wallet/deposit", As.key(depositOnly), "{\"amount\":1000}").status()).isEqualTo(201);
        assertThat(api.get("/wallet/deposit/" + reference + "/status", As.key(depositOnly)).status()).isEqualTo(403);
        String readOnly = api.createKey(person, "1H", "read");
        assertThat(api.post("/wallet/deposit", As.key(readOnly), "{\"amount\":1000}").code())
            .isEqualTo("permission_missing");
    }

}
