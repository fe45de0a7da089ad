package dev.walletpipeline.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LocalStackExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DatabaseSessionTests {

    @Autowired
    DataSource dataSource;

    /**
     * Measured in the benchmark: with batches of two or three records PostgreSQL planned
     * the batch's write again on every execution, because a custom plan for so few rows
     * looked cheaper than the cached generic one. Every connection of the pool, not only
     * the first, must keep the generic plan.
     */
    @Test
    void everyPooledConnectionKeepsTheGenericPlanHoweverSmallTheBatch() throws Exception {
        int connections = 8;
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        // Each holds its connection until all hold one: eight different connections.
        CyclicBarrier allHoldOne = new CyclicBarrier(connections);
        try {
            List<Callable<String>> asks = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                asks.add(() -> {
                    try (var connection = dataSource.getConnection();
                            var statement = connection.createStatement();
                            var answer = statement.executeQuery("show plan_cache_mode")) {
                        answer.next();
                        allHoldOne.await(30, TimeUnit.SECONDS);
                        return answer.getString(1);
                    }
                });
            }
            List<String> modes = new ArrayList<>();
            for (Future<String> mode : threads.invokeAll(asks)) {
                modes.add(mode.get());
            }
            assertThat(modes).hasSize(connections).containsOnly("force_generic_plan");
        }
        finally {
            threads.shutdownNow();
        }
    }

}
