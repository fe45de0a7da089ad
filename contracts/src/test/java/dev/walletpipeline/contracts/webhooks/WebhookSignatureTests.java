package dev.walletpipeline.contracts.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTests {

    /** The specification's example, as the reference implementation signs it. */
    @Test
    void signsTheSpecificationsExampleAsTheReferenceImplementationDoes() {
        byte[] secret = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String header = WebhookSignature.header("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8), List.of(secret));

        assertThat(header).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void duringARotationTheHeaderCarriesOneSignaturePerSecretNewestFirst() {
        byte[] current = WebhookSignature.newSecret();
        byte[] previous = WebhookSignature.newSecret();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        String header = WebhookSignature.header("msg_1", 10, body, List.of(current, previous));

        assertThat(header.split(" ")).containsExactly(WebhookSignature.header("msg_1", 10, body, List.of(current)),
                WebhookSignature.header("msg_1", 10, body, List.of(previous)));
    }

    @Test
    void aSecretIsShownWithItsPrefixAndThirtyTwoRandomBytes() {
        byte[] secret = WebhookSignature.newSecret();

        assertThat(secret).hasSize(32).isNotEqualTo(WebhookSignature.newSecret());
        assertThat(Base64.getDecoder().decode(WebhookSignature.shown(secret).substring("whsec_".length())))
            .isEqualTo(secret);
    }

}
