package dev.walletpipeline.api.deposit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "wallet.paystack.service-token=not-the-service-token")
class PaystackRefusalTests {

    @LocalServerPort
    int port;

    @Test
    void theGatewayRefusingOurCredentialGives502AndFailsTheDeposit() {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn person = api.signIn("refused-" + UUID.randomUUID() + "@example.com");

        ApiClient.Response response = api.post("/wallet/deposit", person.as(), "{\"amount\":1000}");

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.code()).isEqualTo("paystack_failed");
        assertThat(response.text("detail")).contains("service credential").doesNotContain("not-the-service-token");
        ApiClient.Response history = api.get("/wallet/transactions", person.as());
        assertThat(history.json().path("transactions").get(0).path("status").asString()).isEqualTo("failed");
    }

}
