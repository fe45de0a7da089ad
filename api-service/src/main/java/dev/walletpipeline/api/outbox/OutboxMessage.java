package dev.walletpipeline.api.outbox;

import java.nio.charset.StandardCharsets;

/**
 * A wallet command as it leaves a request's transaction: a transactional logical decoding
 * message ({@code pg_logical_emit_message}) in the write-ahead log, with no table row to
 * insert, delete and vacuum. The relay reads it through the replication slot only if the
 * transaction committed, in commit order, and sends it to
 * {@code wallet.transfer-commands}.
 *
 * <p>
 * Its content is four lines: the command type, the wallet it is keyed by, the command's
 * id, and the command's JSON (which holds no line break of its own: it is written by
 * Jackson without indentation).
 *
 * @param type the {@code event_type} header, e.g. {@code TransferRequested}
 * @param walletId the record key: the wallet whose writer applies the command
 * @param id the {@code id} header: the transfer or withdrawal
 * @param json the record value
 */
public record OutboxMessage(String type, String walletId, String id, String json) {

    /**
     * The message prefix the relay streams; messages with other prefixes are not ours.
     */
    public static final String PREFIX = "wallet-command";

    /**
     * A WITH query named {@code outbox} that emits the message {@code :message} once for
     * every row of the query named by {@code after} (the request's insert, which returns
     * a row only when the request was accepted), and returns the message's position in
     * the log ({@code lsn}). The main query must read {@code lsn}: a WITH query that
     * nothing reads is not run.
     */
    public static String emittedAfter(String after) {
        return """
                outbox as (
                    select pg_logical_emit_message(true, '%s', cast(:message as text))::text as lsn from %s)"""
            .formatted(PREFIX, after);
    }

    public String content() {
        if (json.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a command's JSON must be one line");
        }
        return type + "\n" + walletId + "\n" + id + "\n" + json;
    }

    static OutboxMessage of(byte[] content) {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", 4);
        if (lines.length != 4) {
            throw new IllegalArgumentException("an outbox message has four lines, this one " + lines.length);
        }
        return new OutboxMessage(lines[0], lines[1], lines[2], lines[3]);
    }

}
