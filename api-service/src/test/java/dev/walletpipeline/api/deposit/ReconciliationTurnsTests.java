package dev.walletpipeline.api.deposit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReconciliationTurnsTests {

    @Autowired
    Deposits deposits;

    @Test
    void depositsThatStayPendingDoNotStarveNewerOnesOfReconciliation(LocalStack stack) throws Exception {
        LedgerProbe ledger = new LedgerProbe(stack);
        UUID wallet = ledger.newWallet();
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            mine.add(ledger.newPendingDeposit(wallet, 1_000 + i));
        }
        // Distinct ages, an hour old: the oldest two would be first in line every time.
        ledger
            .executeAsOwner("update deposits set created_at = now() - interval '1 hour' - amount * interval '1 second'"
                    + " where wallet_id = ?", wallet);

        // Run after run with room for 2, every pending deposit gets its turn, whatever
        // else is pending.
        Set<String> asked = new HashSet<>();
        for (int run = 0; run < 100 && !asked.containsAll(mine); run++) {
            List<Deposits.Deposit> batch = deposits.pendingOlderThan(Duration.ofMinutes(10), 2);
            batch.forEach(d -> asked.add(d.reference()));
        }
        assertThat(asked).containsAll(mine);
    }

}
