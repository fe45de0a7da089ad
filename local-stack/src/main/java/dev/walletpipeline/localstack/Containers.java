package dev.walletpipeline.localstack;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The other way to run the stack's Kafka and PostgreSQL: in Docker containers started by
 * Testcontainers, from the images docker-compose.yml names, instead of child processes
 * from Maven artifacts. Asked for with {@code -Dwallet.testcontainers=true} (or
 * {@code WALLET_TESTCONTAINERS=true}) and used only when a Docker engine answers.
 *
 * <p>
 * A container's ports are published on this machine's loopback under the same numbers the
 * Maven-artifact servers would listen on, so every address the stack hands out
 * ({@link KafkaBroker#bootstrapServers()}, {@link PostgresServer#jdbcUrl()}) is the same
 * either way, and stays the same when a killed container is started again on its data.
 * Faults are Docker's: {@code docker kill} (SIGKILL of the container's processes),
 * {@code docker pause} (the cgroup freezer, like SIGSTOP of every process in it), and
 * {@code docker start} of the same container.
 */
final class Containers {

    /** The Kafka image docker-compose.yml uses (DeploymentFileTests keeps them equal). */
    static final String KAFKA_IMAGE = "apache/kafka:4.3.1";

    /** The PostgreSQL image docker-compose.yml uses. */
    static final String POSTGRES_IMAGE = "postgres:18.6";

    /** The process id of the test JVM a container belongs to. */
    private static final String OWNER_LABEL = "dev.walletpipeline.stack.owner-pid";

    private Containers() {
    }

    /**
     * Whether the stack should run in containers: asked for, and a Docker engine answers.
     * Asked for without an engine, it says why and runs from Maven artifacts.
     */
    static boolean chosen() {
        String asked = System.getProperty("wallet.testcontainers", System.getenv("WALLET_TESTCONTAINERS"));
        if (!"true".equals(asked)) {
            return false;
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            System.out.println("[local-stack] wallet.testcontainers=true, but no Docker engine answers"
                    + " (DOCKER_HOST or /var/run/docker.sock): Kafka and PostgreSQL run from Maven artifacts");
            return false;
        }
        return true;
    }

    /**
     * Labels the container as this JVM's, after removing any container a test JVM that is
     * gone left behind: where Ryuk is off, nothing else would.
     */
    static void ownedByThisJvm(GenericContainer<?> container) {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(List.of(OWNER_LABEL))
            .exec()
            .stream()
            .filter(left -> ProcessHandle.of(Long.parseLong(left.getLabels().get(OWNER_LABEL)))
                .map(owner -> !owner.isAlive())
                .orElse(true))
            .forEach(left -> {
                try {
                    docker.removeContainerCmd(left.getId()).withForce(true).withRemoveVolumes(true).exec();
                }
                catch (NotFoundException alreadyGone) {
                    // the other server's start removed it first
                }
            });
        container.withLabel(OWNER_LABEL, Long.toString(ProcessHandle.current().pid()));
    }

    /**
     * Publishes each container port on the loopback under the same number outside;
     * {@code inside} is the container's own port when it differs (PostgreSQL's 5432).
     */
    static void publishOnLoopback(GenericContainer<?> container, int outside, int inside) {
        container.addExposedPort(inside);
        container.withCreateContainerCmdModifier(create -> {
            Ports bindings = new Ports();
            var existing = create.getHostConfig().getPortBindings();
            if (existing != null) {
                existing.getBindings().forEach((port, binding) -> {
                    if (port.getPort() != inside) {
                        for (Ports.Binding each : binding == null ? new Ports.Binding[0] : binding) {
                            bindings.bind(port, each);
                        }
                    }
                });
            }
            bindings.add(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", outside), ExposedPort.tcp(inside)));
            create.getHostConfig().withPortBindings(bindings);
        });
    }

    /** SIGKILL of every process in the container, as a crash would; its data stays. */
    static void kill(GenericContainer<?> container) {
        DockerClient docker = container.getDockerClient();
        if (isRunning(container)) {
            docker.killContainerCmd(container.getContainerId()).exec();
        }
        Instant deadline = Instant.now().plusSeconds(30);
        while (isRunning(container) && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /**
     * The same container started again: its data and its published ports as they were.
     */
    static void startAgain(GenericContainer<?> container) {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    }

    /** Every process in the container frozen for this long, then let go on. */
    static void pause(GenericContainer<?> container, Duration pause) {
        DockerClient docker = container.getDockerClient();
        docker.pauseContainerCmd(container.getContainerId()).exec();
        try {
            LockSupport.parkNanos(pause.toNanos());
        }
        finally {
            docker.unpauseContainerCmd(container.getContainerId()).exec();
        }
    }

    /** Whether the container's processes are frozen ({@code docker pause}). */
    static boolean isPaused(GenericContainer<?> container) {
        Boolean paused = container.getDockerClient()
            .inspectContainerCmd(container.getContainerId())
            .exec()
            .getState()
            .getPaused();
        return Boolean.TRUE.equals(paused);
    }

    static boolean isRunning(GenericContainer<?> container) {
        Boolean running = container.getDockerClient()
            .inspectContainerCmd(container.getContainerId())
            .exec()
            .getState()
            .getRunning();
        return Boolean.TRUE.equals(running);
    }

    /** Single quotes around a shell word, for a script written into a container. */
    static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

}
