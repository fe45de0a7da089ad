import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint on this machine for trying the product by hand: prints every
 * delivery (its webhook-id, timestamp and body), checks its signature with the endpoint's
 * whsec_ secret when WEBHOOK_SECRET is set, and answers 200 (or the status given as the
 * second argument, to watch the retries).
 */
public class WebhookReceiver {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9999;
        int status = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String secret = System.getenv("WEBHOOK_SECRET");
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
                String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
                String verdict = secret == null ? "not checked (set WEBHOOK_SECRET)"
                        : verified(secret, id, timestamp, body, signatures) ? "valid" : "INVALID";
                System.out.printf("%s %s webhook-id=%s webhook-timestamp=%s signature %s%n  %s%n",
                        exchange.getRequestMethod(), exchange.getRequestURI(), id, timestamp, verdict,
                        new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
        System.out.println("receiving webhooks on http://localhost:" + port + "/ (answering " + status + ")");
    }

    static boolean verified(String secret, String id, String timestamp, byte[] body, String signatures) {
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.replaceFirst("^whsec_", "")), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            expected = mac.doFinal(body);
        }
        catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
        for (String signature : signatures.split(" ")) {
            if (signature.startsWith("v1,") && MessageDigest.isEqual(expected,
                    Base64.getDecoder().decode(signature.substring(3)))) {
                return true;
            }
        }
        return false;
    }

}
