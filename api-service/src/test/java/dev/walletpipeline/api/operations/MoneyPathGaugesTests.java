package dev.walletpipeline.api.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** A scrape reads the last count; only the schedule asks the database. */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "wallet.api.gauges-every=1h")
class MoneyPathGaugesTests {

    @Autowired
    MeterRegistry meters;

    @Autowired
    MoneyPathGauges gauges;

    @Test
    void aScrapeRunsNoQueryAndTheScheduledCountSeesNewRows(LocalStack stack) throws Exception {
        gauges.count();
        double before = review();
        assertThat(before).isNotNegative();
        LedgerProbe ledger = new LedgerProbe(stack);
        String reference = ledger.newPendingDeposit(ledger.newWallet(), 5_000);
        ledger.queryAsOwner("update deposits set status = 'review' where reference = ? returning 'ok'", reference);

        for (int i = 0; i < 5; i++) {
            assertThat(review()).as("read by a scrape, counted an hour ago").isEqualTo(before);
        }
        gauges.count();
        assertThat(review()).isEqualTo(before + 1);
    }

    private double review() {
        return meters.get("wallet.deposits.waiting").tag("state", "review").gauge().value();
    }

}
