package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.LocalStackExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * docker-compose's set-up: health details and metrics on a management port of their own,
 * not published.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "MANAGEMENT_PORT=0", "HEALTH_SHOW_DETAILS=always" })
class ManagementPortTests {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void detailsAndMetricsAreOnTheManagementPortAndNotOnThePublicOne() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        HttpResponse<String> readiness = ApiServiceHealthTests.get(managementPort, "/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"db\"").contains("\"kafka\"");
        assertThat(ApiServiceHealthTests.get(managementPort, "/actuator/prometheus").statusCode()).isEqualTo(200);

        assertThat(ApiServiceHealthTests.get(port, "/actuator/prometheus").statusCode()).isNotEqualTo(200);
        assertThat(ApiServiceHealthTests.get(port, "/actuator/health").statusCode()).isNotEqualTo(200);
    }

}
