package dev.walletpipeline.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ContainerProperties;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ListenerSettingsTests {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void noListenerCommitsOffsetsOnAssignmentSoAnOpenTransactionCannotLeaveItWithoutPartitions() {
        assertThat(listeners.getListenerContainers()).hasSize(2)
            .allSatisfy(container -> assertThat(container.getContainerProperties().getAssignmentCommitOption())
                .isEqualTo(ContainerProperties.AssignmentCommitOption.NEVER));
    }

}
