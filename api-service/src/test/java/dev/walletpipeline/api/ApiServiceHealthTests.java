package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiServiceHealthTests {

    @LocalServerPort
    int port;

    @Test
    void readinessIsUpWithKafkaAndPostgresAndMetricsAreExposed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"db\"").contains("\"kafka\"");

        HttpResponse<String> prometheus = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
    }
}
