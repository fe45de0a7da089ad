package dev.walletpipeline.localstack;

import dev.walletpipeline.contracts.proof.HmacSignature;

/**
 * Signs webhook bodies the way Paystack does: lowercase hex HMAC-SHA512 of the raw bytes.
 */
public final class PaystackSigner {

    private PaystackSigner() {
    }

    public static String sign(byte[] body, String secretKey) {
        return new HmacSignature(secretKey).signHex(body);
    }

}
