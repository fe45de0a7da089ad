package dev.walletpipeline.contracts.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: the {@code webhook-signature} header is {@code v1,} and the
 * base64 HMAC-SHA256 of {@code webhook-id.webhook-timestamp.body}, keyed with the
 * secret's bytes; during a rotation one such entry per secret, separated by spaces. A
 * secret is shown to its owner as {@code whsec_} and the base64 of its bytes.
 */
public final class WebhookSignature {

    public static final String SECRET_PREFIX = "whsec_";

    /** A new secret's length: 32 random bytes. */
    public static final int SECRET_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    public static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** The secret as its owner sees it once. */
    public static String shown(byte[] secret) {
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(secret);
    }

    /** The {@code webhook-signature} header for these secrets, the newest first. */
    public static String header(String messageId, long timestampSeconds, byte[] body, List<byte[]> secrets) {
        return secrets.stream()
            .map(secret -> "v1," + Base64.getEncoder().encodeToString(hmac(secret, messageId, timestampSeconds, body)))
            .collect(Collectors.joining(" "));
    }

    static byte[] hmac(byte[] secret, String messageId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        }
        catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

}
