package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * The containers the stack runs are the images docker-compose.yml names, and those are
 * the Kafka the stack runs from Maven artifacts (DeploymentFileTests ties compose to the
 * versions in the build).
 */
class ContainerImagesTests {

    @Test
    void theStacksContainersUseTheImagesComposeUses() throws Exception {
        List<String> images = Files.readAllLines(Path.of("..", "docker-compose.yml"))
            .stream()
            .map(String::strip)
            .filter(line -> line.startsWith("image: "))
            .map(line -> line.substring("image: ".length()))
            .toList();

        assertThat(images).contains(Containers.KAFKA_IMAGE, Containers.POSTGRES_IMAGE);
        assertThat(Containers.KAFKA_IMAGE).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
    }

}
