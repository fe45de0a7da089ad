package dev.walletpipeline.api.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WalletHistoryTests {

    @LocalServerPort
    int port;

    @Test
    void pagingNewestFirstNeitherRepeatsNorSkipsARowWhileNewRowsArrive(LocalStack stack) throws Exception {
        ApiClient api = new ApiClient(port);
        LedgerProbe ledger = new LedgerProbe(stack);
        ApiClient.SignedIn person = api.signIn("history-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            before.add(ledger.newPendingDeposit(wallet, 100 + i));
        }

        List<String> seen = new ArrayList<>();
        Set<String> arrivedMeanwhile = new HashSet<>();
        String cursor = null;
        do {
            ApiClient.Response page = api.get("/wallet/transactions?limit=7" + (cursor == null ? "" : "&cursor=" + cursor),
                    person.as());
            assertThat(page.status()).isEqualTo(200);
            JsonNode body = page.json();
            body.path("transactions").forEach(item -> seen.add(item.path("id").asString()));
            cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asString();
            arrivedMeanwhile.add(ledger.newPendingDeposit(wallet, 999)); // a row arrives between pages
        } while (cursor != null);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(before);
        assertThat(seen).doesNotContainAnyElementsOf(arrivedMeanwhile);
        ApiClient.Response first = api.get("/wallet/transactions?limit=100", person.as());
        assertThat(first.json().path("transactions").get(0).path("type").asString()).isEqualTo("deposit");
        assertThat(api.get("/wallet/transactions?cursor=garbage", person.as()).code()).isEqualTo("validation_failed");
        assertThat(api.get("/wallet/transactions?limit=0", person.as()).text("field")).isEqualTo("limit");
    }
}
