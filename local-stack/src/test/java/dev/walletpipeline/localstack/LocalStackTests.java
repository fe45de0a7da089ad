package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Topic;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackTests {

    @Test
    void postgresRunsCrashSafeWithLogicalDecoding(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            assertThat(setting(sql, "fsync")).isEqualTo("on");
            assertThat(setting(sql, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(sql, "wal_level")).isEqualTo("logical");
        }
    }

    @Test
    void topicsExistWithTheirPolicies(LocalStack stack) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> names = admin.listTopics().names().get();
            Topic.ALL.forEach(topic -> assertThat(names).contains(topic.name()));
            ConfigResource paystack = new ConfigResource(ConfigResource.Type.TOPIC, Topic.PAYSTACK_EVENTS.name());
            Config config = admin.describeConfigs(Set.of(paystack)).all().get().get(paystack);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(Set.of(Topic.LEDGER_EVENTS.name())).allTopicNames().get()
                    .get(Topic.LEDGER_EVENTS.name()).partitions()).hasSize(stack.partitions());
        }
    }

    private static String setting(Statement sql, String name) throws Exception {
        try (ResultSet rs = sql.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
