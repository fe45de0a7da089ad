package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A stand-in in a container is reached at one URL by the services and at another by a
 * browser: the OpenID issuer and the token endpoint are the services' URL, the sign-in
 * form and Paystack's checkout page the browser's.
 */
class StandInExposureTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theGoogleStandInSendsBrowsersToItsPublicUrlAndNamesItsServiceUrlAsIssuer() throws Exception {
        try (OidcStandIn google = OidcStandIn
            .start(new HttpStandIn.Exposure("localhost", 0, "http://google-stand-in:8091", "http://127.0.0.1:8091"))) {
            String discovery = get("http://localhost:" + google.port() + "/.well-known/openid-configuration");

            assertThat(discovery).contains("\"issuer\":\"http://google-stand-in:8091\"")
                .contains("\"authorization_endpoint\":\"http://127.0.0.1:8091/authorize\"")
                .contains("\"token_endpoint\":\"http://google-stand-in:8091/token\"");
        }
    }

    @Test
    void thePaystackStandInsCheckoutPageIsAtItsPublicUrl() throws Exception {
        try (PaystackStandIn paystack = PaystackStandIn.start(
                new HttpStandIn.Exposure("localhost", 0, "http://paystack-stand-in:8090", "http://127.0.0.1:8090"),
                "sk_test_exposure", Duration.ofMillis(10))) {
            HttpResponse<String> initialized = HTTP.send(HttpRequest
                .newBuilder(URI.create("http://localhost:" + paystack.port() + "/transaction/initialize"))
                .header("authorization", "Bearer sk_test_exposure")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers
                    .ofString("{\"email\":\"ada@example.com\",\"amount\":50000,\"reference\":\"dep_exposure_1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(initialized.body()).contains("\"authorization_url\":\"http://127.0.0.1:8090/checkout/");
        }
    }

    @Test
    void locallyBothUrlsAreTheLoopbackOne() {
        try (OidcStandIn google = OidcStandIn.start(0)) {
            assertThat(google.publicUrl()).isEqualTo(google.baseUrl()).isEqualTo("http://localhost:" + google.port());
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

}
