package dev.walletpipeline.localstack;

import com.nimbusds.jose.JOSEException;
import dev.walletpipeline.contracts.StartupSecrets;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.schema.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.jspecify.annotations.Nullable;

/**
 * Kafka and PostgreSQL, started for real, with the topics and the database the services
 * expect. {@link #environment()} gives the settings a service needs to find them, under
 * the same names the services, the local run and docker-compose use.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where api-service's Debezium keeps its offsets (api-service's
     * {@code wallet.outbox.offsets-topic}).
     */
    public static final String OUTBOX_OFFSETS_TOPIC = "wallet.outbox-offsets";

    /** The local Paystack secret key (docs/API.md, "Local defaults"). */
    public static final String PAYSTACK_SECRET_KEY = "sk_test_local";

    /**
     * The local key webhook-ingest signs reconciled payments with and ledger-worker
     * checks them with. Local use only: a deployment sets its own secret in both.
     */
    public static final String RECONCILIATION_SIGNING_KEY = "local-reconciliation-key";

    /**
     * The local credential api-service sends to webhook-ingest's internal listener. Local
     * use only: a deployment sets its own secret in both.
     */
    public static final String INTERNAL_SERVICE_TOKEN = "local-internal-service-token";

    /**
     * The operator of the local run and the tests: the Google stand-in signs this email
     * in like any other, and api-service's allow-list names it.
     */
    public static final String OPERATOR_EMAIL = "ops@example.com";

    /**
     * The second operator of the local run and the tests, who approves what moves more
     * than one operator may move alone.
     */
    public static final String SECOND_OPERATOR_EMAIL = "ops2@example.com";

    /** The services, each of which has settings of its own. */
    public static final List<String> SERVICES = List.of("ledger-worker", "webhook-ingest", "api-service",
            "webhook-dispatcher");

    private static @Nullable LocalStack shared;

    private final Path home;

    private final boolean inContainers;

    private final KafkaBroker kafka;

    private final PostgresServer postgres;

    private volatile int partitions;

    private final int oidcPort;

    private final int paystackPort;

    private final Duration paystackRetryUnit;

    private @Nullable OidcStandIn oidc;

    private @Nullable PaystackStandIn paystack;

    private @Nullable ServiceProcess webhookIngest;

    /**
     * @param home where each part keeps its data
     * @param partitions partitions of each pipeline topic
     * @param oidcPort the OpenID Connect stand-in's port, 0 for any free one
     * @param paystackPort the Paystack stand-in's port, 0 for any free one
     * @param paystackRetryUnit the stand-in's 3 minutes between webhook retries
     */
    public LocalStack(Path home, int kafkaPort, int kafkaControllerPort, int postgresPort, int partitions, int oidcPort,
            int paystackPort, Duration paystackRetryUnit) {
        this(home, kafkaPort, kafkaControllerPort, postgresPort, partitions, oidcPort, paystackPort, paystackRetryUnit,
                false);
    }

    private LocalStack(Path home, int kafkaPort, int kafkaControllerPort, int postgresPort, int partitions,
            int oidcPort, int paystackPort, Duration paystackRetryUnit, boolean inContainers) {
        this.home = home;
        this.inContainers = inContainers;
        this.kafka = new KafkaBroker(home.resolve("kafka"), kafkaPort, kafkaControllerPort, inContainers);
        this.postgres = new PostgresServer(home.resolve("postgres"), postgresPort, inContainers);
        this.partitions = partitions;
        this.oidcPort = oidcPort;
        this.paystackPort = paystackPort;
        this.paystackRetryUnit = paystackRetryUnit;
    }

    /**
     * The stack shared by every test class of this JVM: started on first use, on free
     * ports, in a fresh directory, and stopped when the JVM exits. Its Kafka and
     * PostgreSQL run from Maven artifacts, or in containers where that is asked for and a
     * Docker engine answers ({@link Containers}).
     */
    public static synchronized LocalStack shared() {
        if (shared == null) {
            Path root = Path.of(System.getProperty("wallet.stack.dir", "target/test-stack"));
            Path home = root.resolve("stack-" + ProcessHandle.current().pid());
            deleteRecursively(home);
            LocalStack stack = new LocalStack(home, freePort(), freePort(), freePort(),
                    Integer.getInteger("wallet.stack.partitions", 4), 0, 0, Duration.ofMillis(500),
                    Containers.chosen());
            // Before start: a stack that fails half-way stops what it started too.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stack.close();
                deleteRecursively(home);
            }, "local-stack-stop"));
            stack.start();
            shared = stack;
        }
        return shared;
    }

    public LocalStack start() {
        if (inContainers) {
            System.out.println("[local-stack] Kafka (" + Containers.KAFKA_IMAGE + ") and PostgreSQL ("
                    + Containers.POSTGRES_IMAGE + ") in Docker containers, through Testcontainers");
        }
        Thread postgresStart = new Thread(postgres::start, "postgres-start");
        RuntimeException[] failure = new RuntimeException[1];
        postgresStart.setUncaughtExceptionHandler(
                (t, e) -> failure[0] = e instanceof RuntimeException r ? r : new IllegalStateException(e));
        postgresStart.start();
        oidc = OidcStandIn.start(oidcPort);
        paystack = PaystackStandIn.start(paystackPort, PAYSTACK_SECRET_KEY, paystackRetryUnit);
        kafka.start();
        createTopics();
        grantServiceAcls();
        try {
            postgresStart.join();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        // The migration step of its own: the services never hold the schema owner's
        // password.
        Migrations.migrate(postgres.jdbcUrl(), PostgresServer.OWNER, PostgresServer.passwordOf(PostgresServer.OWNER));
        return this;
    }

    /**
     * Whether Kafka and PostgreSQL run in Docker containers (Testcontainers) rather than
     * as child processes from Maven artifacts.
     */
    public boolean inContainers() {
        return inContainers;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public int partitions() {
        return partitions;
    }

    /**
     * The EC P-256 JWK api-service signs access tokens with, kept beside the data so that
     * tokens survive a restart of api-service (or of the whole local run), as they would
     * in production.
     */
    public synchronized String jwtSigningKey() {
        Path file = home.resolve("jwt-signing-key.json");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(home);
                Files.writeString(file, NewSigningKey.newKey());
            }
            return Files.readString(file);
        }
        catch (IOException | JOSEException e) {
            throw new IllegalStateException("no JWT signing key", e);
        }
    }

    /**
     * Paystack's stand-in; point its webhooks at webhook-ingest with
     * {@link PaystackStandIn#webhookUrl}.
     */
    public PaystackStandIn paystack() {
        if (paystack == null) {
            throw new IllegalStateException("the stack is not started");
        }
        return paystack;
    }

    /** The OpenID Connect provider in Google's place. */
    public OidcStandIn oidc() {
        if (oidc == null) {
            throw new IllegalStateException("the stack is not started");
        }
        return oidc;
    }

    /**
     * Everything the three services are given between them, by the environment names
     * their configuration reads: for test code that plays more than one part. A service
     * itself gets {@link #environment(String)}. The schema owner's credentials are not
     * among them: migrations ran when the stack started.
     */
    public Map<String, String> environment() {
        Map<String, String> all = new HashMap<>();
        for (String service : SERVICES) {
            all.putAll(environment(service));
        }
        all.remove("KAFKA_USERNAME");
        all.remove("KAFKA_PASSWORD");
        return Map.copyOf(all);
    }

    /**
     * The settings of one service, and only those its own work needs, as a deployment
     * gives them (docker-compose.yml gives the same names): its own Kafka credentials, so
     * that it runs with exactly the rights the ACLs give that service; its own database
     * role; and only the keys it uses. api-service in particular holds neither Paystack's
     * key nor the reconciliation key, so it cannot make a record that ledger-worker would
     * take as proof.
     */
    public Map<String, String> environment(String service) {
        if (!KafkaBroker.USERS.contains(service)) {
            throw new IllegalArgumentException("no Kafka user " + service);
        }
        Map<String, String> environment = new HashMap<>();
        environment.put(StartupSecrets.LOCAL_SECRETS, "allowed");
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        environment.put("KAFKA_USERNAME", service);
        environment.put("KAFKA_PASSWORD", KafkaBroker.localPassword(service));
        environment.put("KAFKA_PARTITIONS", Integer.toString(partitions));
        switch (service) {
            case "api-service" -> {
                environment.put("GOOGLE_ISSUER_URI", oidc().issuer());
                environment.put("GOOGLE_CLIENT_ID", OidcStandIn.CLIENT_ID);
                environment.put("GOOGLE_CLIENT_SECRET", OidcStandIn.CLIENT_SECRET);
                environment.put("JWT_SIGNING_KEY", jwtSigningKey());
                environment.put("INTERNAL_SERVICE_TOKEN", INTERNAL_SERVICE_TOKEN);
                environment.put("WITHDRAWAL_ACCOUNT_COOLING_OFF", "0s");
                environment.put("OPERATOR_EMAILS", OPERATOR_EMAIL + "," + SECOND_OPERATOR_EMAIL);
                environment.put("WEBHOOK_LOCAL_TARGETS_ALLOWED", "true");
                environment.put("DATABASE_URL", postgres.jdbcUrl());
                environment.put("DATABASE_API_USER", PostgresServer.API);
                environment.put("DATABASE_API_PASSWORD", PostgresServer.passwordOf(PostgresServer.API));
                environment.put("DATABASE_CDC_USER", PostgresServer.CDC);
                environment.put("DATABASE_CDC_PASSWORD", PostgresServer.passwordOf(PostgresServer.CDC));
            }
            case "webhook-ingest" -> {
                environment.put("PAYSTACK_BASE_URL", paystack().baseUrl());
                environment.put("PAYSTACK_SECRET_KEY", PAYSTACK_SECRET_KEY);
                environment.put("RECONCILIATION_SIGNING_KEY", RECONCILIATION_SIGNING_KEY);
                environment.put("INTERNAL_SERVICE_TOKEN", INTERNAL_SERVICE_TOKEN);
            }
            case "ledger-worker" -> {
                environment.put("PAYSTACK_SECRET_KEY", PAYSTACK_SECRET_KEY);
                environment.put("RECONCILIATION_SIGNING_KEY", RECONCILIATION_SIGNING_KEY);
                environment.put("DATABASE_URL", postgres.jdbcUrl());
                environment.put("DATABASE_WORKER_USER", PostgresServer.WORKER);
                environment.put("DATABASE_WORKER_PASSWORD", PostgresServer.passwordOf(PostgresServer.WORKER));
            }
            case "webhook-dispatcher" -> {
                environment.put("WEBHOOK_LOCAL_TARGETS_ALLOWED", "true");
                environment.put("DATABASE_URL", postgres.jdbcUrl());
                environment.put("DATABASE_WEBHOOKS_USER", PostgresServer.WEBHOOKS);
                environment.put("DATABASE_WEBHOOKS_PASSWORD", PostgresServer.passwordOf(PostgresServer.WEBHOOKS));
            }
            default -> {
                // downstream and admin: Kafka only
            }
        }
        return Map.copyOf(environment);
    }

    private static Map<String, String> withOneReplica(Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        all.put("min.insync.replicas", "1");
        return all;
    }

    /**
     * Creates the pipeline's topics with their policies; topics already there are left as
     * they are.
     */
    void createTopics() {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties(KafkaBroker.ADMIN));
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic topic : Topic.ALL) {
                topics.add(new NewTopic(topic.name(), partitions, (short) 1).configs(withOneReplica(topic.configs())));
            }
            admin.createTopics(topics).values().forEach((name, result) -> {
                try {
                    result.get();
                }
                catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("creating topic " + name + " failed", e.getCause());
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            // Topics kept from an earlier run get today's policies too.
            Map<ConfigResource, Collection<AlterConfigOp>> policies = new HashMap<>();
            for (Topic topic : Topic.ALL) {
                policies.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), topic.configs()
                    .entrySet()
                    .stream()
                    .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                    .toList());
            }
            try {
                admin.incrementalAlterConfigs(policies).all().get();
            }
            catch (ExecutionException e) {
                throw new IllegalStateException("setting the topics' policies failed", e.getCause());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * What each Kafka user may do, and nothing more: each service writes only its own
     * topics, and a downstream team only reads the ledger events. docker-compose grants
     * the same ({@code kafka-init}). Granting twice is harmless.
     */
    void grantServiceAcls() {
        List<AclBinding> acls = new ArrayList<>();
        // webhook-ingest: verified Paystack events, and the ones it cannot key.
        allow(acls, "webhook-ingest", ResourceType.TOPIC, Topic.PAYSTACK_EVENTS.name(), PatternType.LITERAL,
                AclOperation.WRITE);
        allow(acls, "webhook-ingest", ResourceType.TOPIC, Topic.PAYSTACK_EVENTS_DLT.name(), PatternType.LITERAL,
                AclOperation.WRITE);
        // api-service: transfer commands through its outbox relay, and Debezium's
        // offsets.
        allow(acls, "api-service", ResourceType.TOPIC, Topic.TRANSFER_COMMANDS.name(), PatternType.LITERAL,
                AclOperation.WRITE);
        allow(acls, "api-service", ResourceType.TOPIC, OUTBOX_OFFSETS_TOPIC, PatternType.LITERAL, AclOperation.ALL);
        // ledger-worker: reads what it posts, writes the ledger events, the dead letters
        // and the commands for other wallets' writers (credit legs, routed Paystack
        // facts), transactionally.
        for (Topic consumed : List.of(Topic.PAYSTACK_EVENTS, Topic.TRANSFER_COMMANDS)) {
            allow(acls, "ledger-worker", ResourceType.TOPIC, consumed.name(), PatternType.LITERAL, AclOperation.READ);
        }
        for (Topic produced : List.of(Topic.LEDGER_EVENTS, Topic.TRANSFER_COMMANDS, Topic.PAYSTACK_EVENTS_DLT,
                Topic.TRANSFER_COMMANDS_DLT)) {
            allow(acls, "ledger-worker", ResourceType.TOPIC, produced.name(), PatternType.LITERAL, AclOperation.WRITE);
        }
        allow(acls, "ledger-worker", ResourceType.GROUP, "ledger-worker", PatternType.LITERAL, AclOperation.READ);
        allow(acls, "ledger-worker", ResourceType.TRANSACTIONAL_ID, "ledger-", PatternType.PREFIXED,
                AclOperation.WRITE);
        // A downstream team: the ledger events, read-only, in consumer groups of its own
        // naming.
        allow(acls, "downstream", ResourceType.TOPIC, Topic.LEDGER_EVENTS.name(), PatternType.LITERAL,
                AclOperation.READ);
        // webhook-dispatcher: the ledger events, read-only, in its own group.
        allow(acls, "webhook-dispatcher", ResourceType.TOPIC, Topic.LEDGER_EVENTS.name(), PatternType.LITERAL,
                AclOperation.READ);
        allow(acls, "webhook-dispatcher", ResourceType.GROUP, "webhook-dispatcher", PatternType.LITERAL,
                AclOperation.READ);
        allow(acls, "downstream", ResourceType.GROUP, "*", PatternType.LITERAL, AclOperation.READ);
        Properties props = new Properties();
        props.putAll(kafka.clientProperties(KafkaBroker.ADMIN));
        try (Admin admin = Admin.create(props)) {
            admin.createAcls(acls).all().get();
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("granting the services' ACLs failed", e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void allow(List<AclBinding> acls, String user, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        acls.add(new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }

    /**
     * Raises every pipeline topic to {@code more} partitions (Kafka cannot lower them).
     * Keys map to partitions anew: only for a drained pipeline whose services are
     * restarted afterwards, as the benchmarks do between their partition counts.
     */
    public void growPartitions(int more) {
        if (more <= partitions) {
            throw new IllegalArgumentException("topics have " + partitions + " partitions; cannot go to " + more);
        }
        Properties props = new Properties();
        props.putAll(kafka.clientProperties(KafkaBroker.ADMIN));
        try (Admin admin = Admin.create(props)) {
            Map<String, NewPartitions> grown = new HashMap<>();
            for (Topic topic : Topic.ALL) {
                grown.put(topic.name(), NewPartitions.increaseTo(more));
            }
            admin.createPartitions(grown).all().get();
            partitions = more;
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("growing the topics to " + more + " partitions failed", e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ServiceProcess ingest = webhookIngest;
        if (ingest != null) {
            ingest.close();
        }
        if (oidc != null) {
            oidc.close();
        }
        if (paystack != null) {
            paystack.close();
        }
        kafka.stop();
        postgres.stop();
    }

    /**
     * webhook-ingest from its runnable jar on this stack, started on first use and
     * stopped with the stack: api-service reaches Paystack only through its internal
     * listener, so api-service's own tests run against the real one.
     */
    public synchronized ServiceProcess webhookIngest() {
        if (webhookIngest == null) {
            Path project = Path.of(System.getProperty("wallet.project.dir", ".."));
            Map<String, String> settings = new HashMap<>(environment("webhook-ingest"));
            settings.put("JAVA_HEAP", "128m");
            ServiceProcess process = new ServiceProcess(project, "webhook-ingest", freePort(), settings,
                    home.resolve("logs"));
            process.start().awaitReady(Duration.ofMinutes(2));
            webhookIngest = process;
        }
        return webhookIngest;
    }

    /** A port nothing on this machine listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and everything in it, if it exists. */
    public static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
