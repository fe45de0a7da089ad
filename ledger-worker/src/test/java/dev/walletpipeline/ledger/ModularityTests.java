package dev.walletpipeline.ledger;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Keeps the feature packages honest: no cycles, no reaching into another feature's
 * insides.
 */
class ModularityTests {

    @Test
    void featurePackagesDependOnEachOtherOnlyThroughTheirTopLevelTypesAndWithoutCycles() {
        ApplicationModules.of(LedgerWorkerApplication.class).verify();
    }

}
