package dev.walletpipeline.webhook.paystack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Paystack's webhook signature: lowercase hex HMAC-SHA512 of the raw body, keyed with the secret
 * key. Checked over the bytes as received, before anything parses them, in constant time.
 */
final class PaystackSignature {

    private static final String ALGORITHM = "HmacSHA512";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    PaystackSignature(String secretKey) {
        this.key = new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    boolean matches(byte[] body, @Nullable String signatureHeader) {
        if (signatureHeader == null || signatureHeader.length() != 128) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(sign(body)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signatureHeader.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    byte[] sign(byte[] body) {
        Mac mac = macs.get();
        return mac.doFinal(body);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA512 is not available", e);
        }
    }
}
