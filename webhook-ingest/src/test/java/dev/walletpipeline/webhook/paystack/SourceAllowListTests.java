package dev.walletpipeline.webhook.paystack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "wallet.webhook.sources.allowed=52.31.139.75,52.49.173.169,52.214.14.220",
                "wallet.webhook.sources.trusted-proxy-header=X-Forwarded-For" })
class SourceAllowListTests {

    @LocalServerPort
    int port;

    @Test
    void withTheAllowListOnOnlyPaystacksAddressesAsSeenByOurProxyAreHeard() throws Exception {
        byte[] body = "{\"event\":\"charge.failed\",\"data\":{\"reference\":\"WLT-ALLOW\"}}"
            .getBytes(StandardCharsets.UTF_8);
        String signature = PaystackSigner.sign(body, "sk_test_local");

        assertThat(post(body, signature, "198.51.100.7, 52.49.173.169")).isEqualTo(200);
        assertThat(post(body, signature, "52.49.173.169, 198.51.100.7")).as("only our proxy's entry counts")
            .isEqualTo(403);
        assertThat(post(body, signature, null)).as("no header: the direct peer, 127.0.0.1").isEqualTo(403);
    }

    private int post(byte[] body, String signature, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://localhost:" + port + "/wallet/paystack/webhook"))
            .header("x-paystack-signature", signature)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
