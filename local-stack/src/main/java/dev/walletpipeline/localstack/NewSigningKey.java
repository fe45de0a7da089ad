package dev.walletpipeline.localstack;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

/**
 * {@code bin/new-jwt-signing-key}: prints a new private EC P-256 JWK for
 * {@code JWT_SIGNING_KEY}.
 */
public final class NewSigningKey {

    private NewSigningKey() {
    }

    public static void main(String[] args) throws JOSEException {
        System.out.println(newKey());
    }

    static String newKey() throws JOSEException {
        return new ECKeyGenerator(Curve.P_256).generate().toJSONString();
    }

}
