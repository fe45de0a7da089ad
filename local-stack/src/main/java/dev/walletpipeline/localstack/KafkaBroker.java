package dev.walletpipeline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One Kafka broker in KRaft mode (broker and controller in one process), run from the
 * {@code kafka_2.13} artifact in a child JVM. The data directory is kept across restarts;
 * a killed broker restarted on it comes back with every committed record.
 *
 * <p>
 * Clients authenticate with SASL/SCRAM-SHA-256 and are authorised by ACLs
 * ({@link LocalStack#grantServiceAcls}): each service as its own user, a downstream team
 * as a read-only one, tests and tools as {@code admin}. The users are created when the
 * data directory is formatted; the passwords here are for local use only.
 *
 * <p>
 * In containers ({@link Containers}) the broker is Testcontainers' {@link KafkaContainer}
 * on the {@code apache/kafka} image, running the very same settings and users: the
 * module's own listeners are unauthenticated, so the container is given this broker's
 * {@code server.properties} and formatting instead of them.
 */
public final class KafkaBroker {

    /** The broker's super user: local-stack itself, the tests' probes, the benchmarks. */
    public static final String ADMIN = "admin";

    /**
     * Every local Kafka user: the services, a downstream team's read-only user, and
     * admin.
     */
    public static final List<String> USERS = List.of(ADMIN, "ledger-worker", "webhook-ingest", "api-service",
            "webhook-dispatcher", "downstream");

    /**
     * Written once the data directory holds the users above: a directory formatted before
     * them is remade.
     */
    private static final String USERS_MARKER = "scram-users-v1";

    private final Path home;

    private final int port;

    private final int controllerPort;

    /** Where the broker's data lives inside its container. */
    private static final String CONTAINER_DATA = "/var/lib/kafka/data";

    private final boolean inContainer;

    private @Nullable Process process;

    /**
     * The broker's container, kept when killed so that it can start again on its data.
     */
    private @Nullable KafkaContainer container;

    KafkaBroker(Path home, int port, int controllerPort, boolean inContainer) {
        this.home = home;
        this.port = port;
        this.controllerPort = controllerPort;
        this.inContainer = inContainer;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Testcontainers' Kafka with this broker's settings in place of the module's
     * unauthenticated listeners: its image check and readiness wait stay, its listener
     * environment and start script go.
     */
    private static final class AuthenticatingKafkaContainer extends KafkaContainer {

        AuthenticatingKafkaContainer() {
            super(Containers.KAFKA_IMAGE);
            setExposedPorts(new ArrayList<>());
            setEnv(new ArrayList<>());
        }

        @Override
        protected void configure() {
            // the listeners are in /wallet/server.properties
        }

        @Override
        protected void containerIsStarting(InspectContainerResponse containerInfo) {
            // /wallet/start-broker is already in the container
        }

    }

    /** The KRaft controller's listener, which authenticates like the broker's. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The local password of a Kafka user: local use only. */
    public static String localPassword(String user) {
        return user + "-local-secret";
    }

    /**
     * What a Kafka client needs to connect as {@code user}: brokers, SASL/SCRAM and the
     * credentials.
     */
    public Map<String, Object> clientProperties(String user) {
        return Map.of("bootstrap.servers", bootstrapServers(), "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
                "SCRAM-SHA-256", "sasl.jaas.config", jaasConfig(user, localPassword(user)));
    }

    static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    synchronized void start() {
        if (inContainer) {
            startContainer();
            return;
        }
        try {
            Files.createDirectories(home);
            Path config = home.resolve("server.properties");
            Files.writeString(config, serverProperties("localhost", home.resolve("data").toString()),
                    StandardCharsets.UTF_8);
            Path logback = writeLogbackConfig();
            killLeftover();
            if (Files.exists(home.resolve("data").resolve("meta.properties"))
                    && !Files.exists(home.resolve(USERS_MARKER))) {
                // Formatted by an older local-stack, without SCRAM users: nobody could
                // log in.
                System.out
                    .println("[local-stack] Kafka data in " + home + " predates authentication; starting it afresh");
                LocalStack.deleteRecursively(home.resolve("data"));
            }
            if (!Files.exists(home.resolve("data").resolve("meta.properties"))) {
                format(config, logback);
                Files.writeString(home.resolve(USERS_MARKER), String.join("\n", USERS));
            }
            process = ChildJvm.start(ChildJvm.javaCommand("256m", jvmOptions(logback), ChildJvm.ownClasspath(),
                    "kafka.Kafka", List.of(config.toString())), Map.of(), home.resolve("broker.log"));
            Files.writeString(home.resolve("broker.pid"), Long.toString(process.pid()));
            awaitReady(Duration.ofSeconds(90), () -> process != null && process.isAlive(),
                    "see " + home.resolve("broker.log"));
            addUsersAddedSinceFormatting();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new container formats its data with the users and starts the broker; a killed one
     * is started again on the data it kept.
     */
    private void startContainer() {
        KafkaContainer broker = container;
        if (broker == null) {
            List<String> format = new ArrayList<>(List.of("/opt/kafka/bin/kafka-storage.sh"));
            format.addAll(formatArguments("/wallet/server.properties"));
            String script = String.join("\n", "#!/bin/bash", "set -e",
                    "if [ ! -f " + CONTAINER_DATA + "/meta.properties ]; then",
                    "  " + String.join(" ", format.stream().map(Containers::shellQuoted).toList()), "fi",
                    "exec /opt/kafka/bin/kafka-server-start.sh /wallet/server.properties", "");
            broker = new AuthenticatingKafkaContainer();
            Containers.ownedByThisJvm(broker);
            Containers.publishOnLoopback(broker, port, port);
            Containers.publishOnLoopback(broker, controllerPort, controllerPort);
            broker.withEnv("KAFKA_HEAP_OPTS", "-Xmx256m -Xms256m")
                .withCopyToContainer(Transferable.of(serverProperties("0.0.0.0", CONTAINER_DATA), 0644),
                        "/wallet/server.properties")
                .withCopyToContainer(Transferable.of(script, 0755), "/wallet/start-broker")
                .withCommand("/wallet/start-broker")
                .start();
            container = broker;
        }
        else if (!Containers.isRunning(broker)) {
            Containers.startAgain(broker);
        }
        KafkaContainer started = broker;
        awaitReady(Duration.ofSeconds(90), () -> Containers.isRunning(started),
                "see docker logs " + started.getContainerId());
    }

    /**
     * The broker frozen (SIGSTOP, or its container paused) for this long, then let go on.
     */
    public void pause(Duration pause) {
        Process current;
        KafkaContainer inside;
        synchronized (this) {
            current = process;
            inside = container;
        }
        if (current != null) {
            ChildJvm.pause(current.toHandle(), pause);
        }
        if (inside != null) {
            Containers.pause(inside, pause);
        }
    }

    /** SIGKILL, as a crash would; the data stays for {@link #start}. */
    public synchronized void kill() {
        if (process != null) {
            ChildJvm.kill(process.toHandle());
            process = null;
        }
        if (container != null) {
            Containers.kill(container);
        }
    }

    /** A clean shutdown; a container is removed with its data. */
    public synchronized void stop() {
        if (process != null) {
            ChildJvm.stop(process.toHandle(), Duration.ofSeconds(30));
            process = null;
        }
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    public synchronized void restart() {
        kill();
        start();
    }

    public synchronized boolean isRunning() {
        if (container != null) {
            return Containers.isRunning(container);
        }
        return process != null && process.isAlive();
    }

    private List<String> jvmOptions(Path logback) {
        return List.of("-Dlogback.configurationFile=" + logback, "-Djava.awt.headless=true");
    }

    private void format(Path config, Path logback) throws IOException {
        Process formatter = ChildJvm.start(ChildJvm.javaCommand("128m", jvmOptions(logback), ChildJvm.ownClasspath(),
                "kafka.tools.StorageTool", formatArguments(config.toString())), Map.of(), home.resolve("format.log"));
        try {
            if (!formatter.waitFor(120, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
                throw new IllegalStateException(
                        "formatting the Kafka data directory failed; see " + home.resolve("format.log"));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Data formatted before a user joined {@link #USERS} gets that user's credentials, so
     * that a kept local run learns of a new service without losing its topics.
     */
    private void addUsersAddedSinceFormatting() throws IOException {
        List<String> known = Files.readAllLines(home.resolve(USERS_MARKER));
        List<String> missing = USERS.stream().filter(user -> !known.contains(user)).toList();
        if (missing.isEmpty()) {
            return;
        }
        Properties props = new Properties();
        props.putAll(clientProperties(ADMIN));
        try (Admin admin = Admin.create(props)) {
            admin
                .alterUserScramCredentials(missing.stream()
                    .<UserScramCredentialAlteration>map(user -> new UserScramCredentialUpsertion(user,
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), localPassword(user)))
                    .toList())
                .all()
                .get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("adding the Kafka users " + missing + " failed", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Files.writeString(home.resolve(USERS_MARKER), String.join("\n", USERS));
    }

    private static List<String> formatArguments(String config) {
        List<String> arguments = new ArrayList<>(List.of("format", "-t", clusterId(), "-c", config));
        for (String user : USERS) {
            arguments.add("--add-scram");
            arguments.add("SCRAM-SHA-256=[name=" + user + ",password=" + localPassword(user) + "]");
        }
        return arguments;
    }

    /**
     * A cluster id in Kafka's form. Kafka's own generator never starts one with '-',
     * which the storage tool would read as an option (a plain random base64 id did, one
     * time in 64).
     */
    private static String clusterId() {
        return Uuid.randomUuid().toString();
    }

    /**
     * A broker left running by a run that was itself killed would hold the ports and the
     * data directory.
     */
    private void killLeftover() throws IOException {
        Path pidFile = home.resolve("broker.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .ifPresent(ChildJvm::kill);
            Files.delete(pidFile);
        }
    }

    private void awaitReady(Duration timeout, BooleanSupplier alive, String whereToLook) {
        Properties props = new Properties();
        props.putAll(clientProperties(ADMIN));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!alive.getAsBoolean()) {
                    throw new IllegalStateException("Kafka broker exited during start; " + whereToLook);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                }
                catch (Exception notYet) {
                    // still starting
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Kafka broker not ready after " + timeout + "; " + whereToLook);
                }
                try {
                    Thread.sleep(200);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * The broker's settings, the same in a child JVM and in a container but for the
     * interface it listens on and where its data lives.
     */
    private String serverProperties(String listenHost, String dataDirectory) {
        return String.join("\n", "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                "listeners=SASL_PLAINTEXT://" + listenHost + ":" + port + ",CONTROLLER://" + listenHost + ":"
                        + controllerPort,
                "advertised.listeners=SASL_PLAINTEXT://localhost:" + port,
                "listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=SASL_PLAINTEXT",
                // The controller listener authenticates too (PLAIN: SCRAM's credentials
                // live in the metadata the controller serves), as admin; no one is
                // ANONYMOUS.
                "sasl.mechanism.controller.protocol=PLAIN", "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config="
                        + "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + localPassword(ADMIN) + "\" user_" + ADMIN + "=\"" + localPassword(ADMIN)
                        + "\";",
                // Every client authenticates (SCRAM) and is authorised by ACLs; nothing
                // is open by default.
                "sasl.enabled.mechanisms=SCRAM-SHA-256", "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256",
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config="
                        + jaasConfig(ADMIN, localPassword(ADMIN)),
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false", "super.users=User:" + ADMIN, "log.dirs=" + dataDirectory,
                "num.partitions=1", "default.replication.factor=1", "min.insync.replicas=1",
                "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4", "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1", "auto.create.topics.enable=false",
                "group.initial.rebalance.delay.ms=0",
                // A restarted broker must wait for its old registration to expire: keep
                // that short.
                "broker.session.timeout.ms=2000", "broker.heartbeat.interval.ms=500",
                // The cleaner's default 128 MiB dedupe buffer does not fit a small heap.
                "log.cleaner.dedupe.buffer.size=16777216", "log.cleaner.backoff.ms=5000", "num.network.threads=2",
                "num.io.threads=4", "");
    }

    private Path writeLogbackConfig() throws IOException {
        String xml = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <logger name="kafka.server.BrokerServer" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        Path file = home.resolve("logback-broker.xml");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return file;
    }

}
