package dev.walletpipeline.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxMessageTests {

    @Test
    void aCommandReadsBackAsItWasWrittenJsonLineBreaksAside() {
        OutboxMessage written = new OutboxMessage("TransferRequested", "wallet-1", "transfer-1",
                "{\"note\":\"a\\nb\",\"amount\":100}");

        OutboxMessage read = OutboxMessage.of(written.content().getBytes(StandardCharsets.UTF_8));

        assertThat(read).isEqualTo(written);
    }

    @Test
    void jsonOverSeveralLinesIsRefusedBeforeItIsWritten() {
        OutboxMessage indented = new OutboxMessage("TransferRequested", "wallet-1", "transfer-1", "{\n}");

        assertThatThrownBy(indented::content).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contentOfFewerThanFourLinesIsUnreadable() {
        assertThatThrownBy(() -> OutboxMessage.of("TransferRequested\nwallet-1".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class);
    }

}
