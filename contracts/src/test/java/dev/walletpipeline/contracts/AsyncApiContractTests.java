package dev.walletpipeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The AsyncAPI document is the contract downstream teams build on: it must name exactly
 * the fields the code writes. A field added to a record but not to asyncapi.yaml fails
 * the build, and so does a documented field the code no longer writes.
 */
class AsyncApiContractTests {

    private static final Map<String, Object> DOCUMENT = load();

    @Test
    void ledgerEventsCarryExactlyTheDocumentedFieldsTypesAndHeaders() {
        LedgerEvent event = new LedgerEvent(UUID.randomUUID().toString(), LedgerEvent.Type.TransferRejected,
                LedgerEvent.VERSION, Instant.now(), UUID.randomUUID(), "1234567890123", 500, "NGN", 1000, 7, "WLT-X",
                UUID.randomUUID(), "insufficient_funds");

        assertThat(writtenFields(event.toJson())).isEqualTo(documentedFields("LedgerEvent"));
        assertThat(required("LedgerEvent")).isSubsetOf(documentedFields("LedgerEvent"));
        assertThat(((Map<?, ?>) ((Map<?, ?>) schema("LedgerEvent").get("properties")).get("type")).get("enum"))
            .isEqualTo(Arrays.stream(LedgerEvent.Type.values()).map(Enum::name).toList());
        Map<?, ?> headers = (Map<?, ?>) ((Map<?, ?>) message("LedgerEvent").get("headers")).get("properties");
        assertThat(event.cloudEventHeaders().keySet()).isEqualTo(headers.keySet());
    }

    @Test
    void transferCommandsCarryExactlyTheDocumentedFields() {
        TransferRequested command = new TransferRequested(TransferRequested.VERSION, UUID.randomUUID(),
                UUID.randomUUID(), UUID.randomUUID(), 500, "NGN", Instant.now());
        assertThat(writtenFields(command.toJson().getBytes())).isEqualTo(documentedFields("TransferRequested"));
    }

    @Test
    void withdrawalCommandsCarryExactlyTheDocumentedFields() {
        WithdrawalRequested command = new WithdrawalRequested(WithdrawalRequested.VERSION, UUID.randomUUID(),
                UUID.randomUUID(), 500, "NGN", Instant.now());
        assertThat(writtenFields(command.toJson().getBytes())).isEqualTo(documentedFields("WithdrawalRequested"));
    }

    @Test
    void everyTopicOfThePipelineIsDocumented() {
        Map<?, ?> channels = (Map<?, ?>) DOCUMENT.get("channels");
        Set<Object> addresses = new HashSet<>();
        channels.values().forEach(channel -> addresses.add(((Map<?, ?>) channel).get("address")));
        for (Topic topic : List.of(Topic.LEDGER_EVENTS, Topic.TRANSFER_COMMANDS, Topic.PAYSTACK_EVENTS)) {
            assertThat(addresses).contains(topic.name());
        }
    }

    private static Set<String> writtenFields(byte[] json) {
        Set<String> names = new HashSet<>();
        Json.MAPPER.readTree(json).propertyNames().forEach(names::add);
        return names;
    }

    private static Set<Object> documentedFields(String schema) {
        return new HashSet<>(((Map<?, ?>) schema(schema).get("properties")).keySet());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> required(String schema) {
        return (List<Object>) schema(schema).get("required");
    }

    private static Map<?, ?> schema(String name) {
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) DOCUMENT.get("components")).get("schemas")).get(name);
    }

    private static Map<?, ?> message(String name) {
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) DOCUMENT.get("components")).get("messages")).get(name);
    }

    /**
     * YAML reads {@code 1, 2, 3, ...} in a flow mapping as a mapping, not text: the
     * AsyncAPI parser then refuses the whole schema. Every description and summary must
     * be a string.
     */
    @Test
    void everyDescriptionInTheDocumentIsText() {
        List<String> notText = new ArrayList<>();
        collectNonTextDescriptions(DOCUMENT, "", notText);
        assertThat(notText).isEmpty();
    }

    private static void collectNonTextDescriptions(Object node, String path, List<String> notText) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (("description".equals(key) || "summary".equals(key)) && !(value instanceof String)) {
                    notText.add(path + "." + key);
                }
                collectNonTextDescriptions(value, path + "." + key, notText);
            });
        }
        else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectNonTextDescriptions(list.get(i), path + "[" + i + "]", notText);
            }
        }
    }

    private static Map<String, Object> load() {
        try (InputStream in = AsyncApiContractTests.class.getResourceAsStream("/asyncapi.yaml")) {
            return new Yaml().load(in);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
