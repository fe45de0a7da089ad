package dev.walletpipeline.contracts.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookTargetsTests {

    /** Names as DNS would answer them, without DNS. */
    private static final Map<String, String> NAMES = Map.of("hooks.example.com", "93.184.216.34", "rebound.example.com",
            "10.1.2.3", "localhost", "127.0.0.1", "metadata.example.com", "169.254.169.254");

    private static final WebhookTargets.Resolver FIXED = host -> {
        String address = NAMES.get(host);
        if (address != null) {
            return List.of(InetAddress.getByName(address));
        }
        if (Character.isDigit(host.charAt(0)) || host.contains(":")) {
            return List.of(InetAddress.getByName(host));
        }
        throw new UnknownHostException(host);
    };

    private final WebhookTargets deployed = new WebhookTargets(false, FIXED);

    private final WebhookTargets local = new WebhookTargets(true, FIXED);

    @Test
    void aPublicHttpsTargetIsAllowed() {
        assertThat(deployed.refusal("https://hooks.example.com/wallet")).isEmpty();
        assertThat(deployed.refusal("https://93.184.216.34:8443/x?y=1")).isEmpty();
    }

    @Test
    void outsideTheLocalRunOnlyHttpsIsAllowed() {
        assertThat(code(deployed.refusal("http://hooks.example.com/wallet"))).isEqualTo("webhook_url_not_https");
    }

    @Test
    void aTargetInsideTheNetworkIsRefusedInEveryForm() {
        for (String url : List.of("https://localhost/x", "https://127.0.0.1/x", "https://10.0.0.1/",
                "https://172.16.5.4/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data",
                "https://metadata.example.com/", "https://rebound.example.com/", "https://0.0.0.0/",
                "https://100.64.0.1/", "https://[::1]/", "https://[fd00::1]/", "https://[fe80::1]/",
                "https://[::ffff:10.0.0.1]/", "https://[::ffff:169.254.169.254]/", "https://224.0.0.1/")) {
            assertThat(code(deployed.refusal(url))).as(url).isEqualTo("webhook_target_not_public");
        }
    }

    @Test
    void theLocalRunAllowsHttpToThisMachineOnlyAndStillRefusesTheRestOfTheNetwork() {
        assertThat(local.refusal("http://localhost:8099/hook")).isEmpty();
        assertThat(local.refusal("http://127.0.0.1:8099/hook")).isEmpty();
        assertThat(code(local.refusal("http://10.0.0.1/hook"))).isEqualTo("webhook_target_not_public");
        assertThat(code(local.refusal("http://169.254.169.254/"))).isEqualTo("webhook_target_not_public");
    }

    @Test
    void whatIsNoHttpUrlIsRefusedAsSuch() {
        for (String url : List.of("ftp://hooks.example.com/", "hooks.example.com/x",
                "https://user:pw@hooks.example.com/", "https://hooks.example.com/#frag", "https://exa mple.com/",
                "file:///etc/passwd")) {
            assertThat(code(deployed.refusal(url))).as(url).isEqualTo("invalid_webhook_url");
        }
        assertThat(code(deployed.refusal("https://nowhere.invalid/"))).isEqualTo("webhook_target_unresolvable");
    }

    private static String code(Optional<WebhookTargets.Refusal> refusal) {
        return refusal.map(WebhookTargets.Refusal::code).orElse("allowed");
    }

}
