package dev.walletpipeline.localstack;

import dev.walletpipeline.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Verifies webhook deliveries with an implementation that is not ours: the reference
 * {@code standardwebhooks} package from the npm registry, run by Node.js. Installed once
 * into {@code ~/.cache/wallet-pipeline/standardwebhooks}; needs {@code node} and
 * {@code npm} on the PATH ({@code .ci/run} installs them).
 */
public final class StandardWebhooksVerifier {

    /** The package version verified against. */
    public static final String VERSION = "1.3.0";

    private static final String SCRIPT = """
            const { Webhook } = require('standardwebhooks');
            let input = '';
            process.stdin.on('data', d => input += d);
            process.stdin.on('end', () => {
              const results = JSON.parse(input).map(c => {
                try {
                  new Webhook(c.secret).verify(c.body, c.headers);
                  return 'ok';
                } catch (e) {
                  return String(e && e.message || e);
                }
              });
              process.stdout.write(JSON.stringify(results));
            });
            """;

    private StandardWebhooksVerifier() {
    }

    /**
     * For each delivery, {@code ok} or why the library refused it, in order.
     * @param secret the {@code whsec_...} secret to verify with
     */
    public static List<String> verify(String secret, List<WebhookReceiver.Received> deliveries) {
        Path home = installed();
        List<Map<String, Object>> cases = new ArrayList<>();
        for (WebhookReceiver.Received delivery : deliveries) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("secret", secret);
            c.put("body", delivery.body());
            c.put("headers",
                    Map.of("webhook-id", String.valueOf(delivery.header("webhook-id")), "webhook-timestamp",
                            String.valueOf(delivery.header("webhook-timestamp")), "webhook-signature",
                            String.valueOf(delivery.header("webhook-signature"))));
            cases.add(c);
        }
        try {
            Path input = Files.createTempFile("webhooks", ".json");
            Files.writeString(input, Json.MAPPER.writeValueAsString(cases));
            Process node = new ProcessBuilder("node", home.resolve("verify.js").toString()).directory(home.toFile())
                .redirectInput(input.toFile())
                .redirectErrorStream(false)
                .start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
                throw new IllegalStateException("node verify.js failed: " + err);
            }
            Files.deleteIfExists(input);
            List<String> results = new ArrayList<>();
            for (JsonNode result : Json.MAPPER.readTree(out)) {
                results.add(result.asString());
            }
            return results;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path installed() {
        Path home = Path.of(System.getProperty("user.home"), ".cache", "wallet-pipeline",
                "standardwebhooks-" + VERSION);
        try {
            if (!Files.exists(home.resolve("node_modules").resolve("standardwebhooks").resolve("package.json"))) {
                Files.createDirectories(home);
                Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix",
                        home.toString(), "standardwebhooks@" + VERSION)
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("npm-install.log").toFile())
                    .start();
                if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                    throw new IllegalStateException("npm install standardwebhooks@" + VERSION + " failed; see "
                            + home.resolve("npm-install.log"));
                }
            }
            Files.writeString(home.resolve("verify.js"), SCRIPT);
            return home;
        }
        catch (IOException e) {
            throw new UncheckedIOException("npm and node are needed to verify webhooks independently", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
