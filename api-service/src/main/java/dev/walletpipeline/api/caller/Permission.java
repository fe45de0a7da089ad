package dev.walletpipeline.api.caller;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What an API key may do on its owner's wallet. A signed-in person may do all of it. */
public enum Permission {

    DEPOSIT, TRANSFER, WITHDRAW, READ, WEBHOOKS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Permission> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(value)).findFirst();
    }

}
