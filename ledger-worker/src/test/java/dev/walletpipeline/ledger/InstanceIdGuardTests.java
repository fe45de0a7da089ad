package dev.walletpipeline.ledger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletpipeline.localstack.LocalStackExtension;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class InstanceIdGuardTests {

    @Autowired
    DataSource dataSource;

    @Autowired
    LedgerSettings settings;

    @Test
    void aSecondInstanceWithTheSameIdRefusesToStartAndOneWithItsOwnIdStarts() throws Exception {
        // This test's application context is the first instance, running with the default
        // id.
        assertThatThrownBy(() -> new InstanceIdGuard(dataSource, settings)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("WORKER_INSTANCE_ID=" + settings.instanceId());

        LedgerSettings other = new LedgerSettings(settings.bootstrapServers(), settings.healthTimeout(),
                settings.retryBackoffInitial(), settings.retryBackoffMax(), settings.faultInjection(),
                settings.paystackSecretKey(), settings.reconciliationKey(), "another-instance",
                settings.transfersInOneHop());
        new InstanceIdGuard(dataSource, other).destroy();
    }

}
