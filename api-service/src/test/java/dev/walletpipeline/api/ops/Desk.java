package dev.walletpipeline.api.ops;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The desk as the tests use it: an operator reading a whole queue, and what the pipeline
 * sets aside written straight into its tables.
 */
record Desk(ApiClient api, ApiClient.SignedIn operator, LedgerProbe ledger) {

    /** The ids of every item in a queue, read a page at a time. */
    List<String> ids(String queue) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api
                .get("/ops/queues/" + queue + "?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), operator.as())
                .json();
            page.path("items").forEach(item -> ids.add(item.path("id").asString()));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asString();
        }
        while (cursor != null);
        return ids;
    }

    /** The trail's rows about one subject. */
    List<JsonNode> trail(String kind, String subject) {
        List<JsonNode> found = new ArrayList<>();
        api.get("/ops/actions?kind=" + kind + "&limit=200", operator.as()).json().path("items").forEach(item -> {
            if (item.path("subject_id").asString().equals(subject)) {
                found.add(item);
            }
        });
        return found;
    }

    /** A payment exception as ledger-worker records one; returns its id. */
    String exception(String reference, String reason) throws SQLException {
        return ledger.queryAsOwner(
                "insert into payment_exceptions (reference, reason, body) values (?, ?, ?) returning id::text",
                reference, reason, "{}".getBytes(StandardCharsets.UTF_8));
    }

    /** A dead letter as ledger-worker records one; returns its id. */
    String deadLetter(String topic, byte[] payload) throws SQLException {
        return ledger.queryAsOwner("""
                insert into dead_letters (topic, kafka_partition, kafka_offset, record_key, payload, reason)
                values (?, 0, (select coalesce(max(kafka_offset), 0) + 1 from dead_letters), ?, ?, 'unreadable')
                returning id::text""", topic, "key".getBytes(StandardCharsets.UTF_8), payload);
    }

}
