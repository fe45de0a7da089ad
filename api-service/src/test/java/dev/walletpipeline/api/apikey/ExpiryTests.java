package dev.walletpipeline.api.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletpipeline.api.problem.WalletProblem;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiryTests {

    @Test
    void monthsAndYearsAreCalendarMonthsAndYears() {
        Instant endOfJanuary = Instant.parse("2027-01-31T10:00:00Z");
        assertThat(Expiry.parse("1M").from(endOfJanuary)).isEqualTo(Instant.parse("2027-02-28T10:00:00Z"));
        assertThat(Expiry.parse("1Y").from(Instant.parse("2028-02-29T00:00:00Z")))
            .isEqualTo(Instant.parse("2029-02-28T00:00:00Z"));
        assertThat(Expiry.parse("1H").from(endOfJanuary)).isEqualTo(Instant.parse("2027-01-31T11:00:00Z"));
        assertThat(Expiry.parse("1D").from(endOfJanuary)).isEqualTo(Instant.parse("2027-02-01T10:00:00Z"));
    }

    @Test
    void anythingElseIsRefusedNamingTheAllowedValues() {
        for (String value : new String[] { "", "1h", "2D", "1W", "30D" }) {
            assertThatThrownBy(() -> Expiry.parse(value)).isInstanceOf(WalletProblem.class)
                .hasMessageContaining("1H, 1D, 1M, 1Y");
        }
    }

}
