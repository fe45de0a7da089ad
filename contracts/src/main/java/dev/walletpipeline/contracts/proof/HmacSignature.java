package dev.walletpipeline.contracts.proof;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Lowercase hex HMAC-SHA512 of raw bytes under one key: Paystack's webhook signature
 * (keyed with the Paystack secret key) and the signature of reconciled facts (keyed with
 * the reconciliation key). Checked over the bytes as received, before anything parses
 * them, in constant time.
 */
public final class HmacSignature {

    private static final String ALGORITHM = "HmacSHA512";

    private static final int HEX_LENGTH = 128;

    private final SecretKeySpec key;

    private final ThreadLocal<Mac> macs;

    public HmacSignature(String secretKey) {
        if (secretKey.isEmpty()) {
            throw new IllegalArgumentException("an HMAC key must not be empty");
        }
        this.key = new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public boolean matches(byte[] body, @Nullable String signatureHex) {
        if (signatureHex == null || signatureHex.length() != HEX_LENGTH) {
            return false;
        }
        byte[] expected = signHex(body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signatureHex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    public String signHex(byte[] body) {
        return HexFormat.of().formatHex(macs.get().doFinal(body));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        }
        catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA512 is not available", e);
        }
    }

}
