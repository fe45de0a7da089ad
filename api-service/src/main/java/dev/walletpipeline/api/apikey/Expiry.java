package dev.walletpipeline.api.apikey;

import dev.walletpipeline.api.problem.WalletProblem;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;

/** How long a key lives: an hour, a day, a calendar month or a calendar year (UTC). */
enum Expiry {

    HOUR("1H"), DAY("1D"), MONTH("1M"), YEAR("1Y");

    private final String wire;

    Expiry(String wire) {
        this.wire = wire;
    }

    static Expiry parse(String value) {
        return Arrays.stream(values())
            .filter(e -> e.wire.equals(value))
            .findFirst()
            .orElseThrow(() -> WalletProblem.invalid("expiry", "expiry must be one of 1H, 1D, 1M, 1Y"));
    }

    Instant from(Instant now) {
        ZonedDateTime start = now.atZone(ZoneOffset.UTC);
        return switch (this) {
            case HOUR -> start.plusHours(1).toInstant();
            case DAY -> start.plusDays(1).toInstant();
            case MONTH -> start.plusMonths(1).toInstant();
            case YEAR -> start.plusYears(1).toInstant();
        };
    }

}
