package dev.walletpipeline.api.ops;

import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.request.Cursors;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The trail of operators' decisions ({@code operator_actions}): append-only, newest first
 * when read.
 */
@Component
class OperatorActions {

    private static final String SELECT = """
            select id, operator_id, operator_email, at, subject_kind, subject_id, decision, reason,
                   before::text as before, after::text as after, approves, amount
            from operator_actions""";

    /** A JSON object, as the trail keeps the subject before and after. */
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final JdbcClient jdbc;

    private final ObjectMapper json;

    OperatorActions(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    record Action(UUID id, UUID operatorId, String operatorEmail, OffsetDateTime at, String subjectKind,
            String subjectId, String decision, String reason, @Nullable Map<String, Object> before,
            @Nullable Map<String, Object> after, @Nullable UUID approves, @Nullable Long amount) {
    }

    record ActionPage(List<Action> items, @Nullable String nextCursor) {
    }

    /** What the trail may be narrowed to; every part optional. */
    record Filter(@Nullable String operatorEmail, @Nullable String subjectKind, @Nullable String decision,
            @Nullable Instant from, @Nullable Instant to) {
    }

    /**
     * Records a decision (or, with {@code approves}, a second operator's approval of
     * one): in the caller's transaction, so that it stands or falls with what it decided.
     * A second decision about the same subject is refused by the database's
     * {@code operator_actions_one_decision}: {@link AlreadyDecided}.
     */
    Action record(UUID operatorId, String subjectKind, String subjectId, String decision, String reason,
            @Nullable Object before, @Nullable Object after, @Nullable UUID approves, @Nullable Long amount) {
        return record(UUID.randomUUID(), operatorId, subjectKind, subjectId, decision, reason, before, after, approves,
                amount);
    }

    /** The same, under an id the decision was already known by (a replay's header). */
    Action record(UUID id, UUID operatorId, String subjectKind, String subjectId, String decision, String reason,
            @Nullable Object before, @Nullable Object after, @Nullable UUID approves, @Nullable Long amount) {
        try {
            jdbc.sql("""
                    insert into operator_actions (id, operator_id, operator_email, subject_kind, subject_id, decision,
                        reason, before, after, approves, amount)
                    select :id, u.id, u.email, :kind, :subject, :decision, :reason, :before::jsonb, :after::jsonb,
                           :approves, :amount
                    from users u where u.id = :operator""")
                .param("id", id)
                .param("operator", operatorId)
                .param("kind", subjectKind)
                .param("subject", subjectId)
                .param("decision", decision)
                .param("reason", reason.strip())
                .param("before", before == null ? null : json.writeValueAsString(before))
                .param("after", after == null ? null : json.writeValueAsString(after))
                .param("approves", approves)
                .param("amount", amount)
                .update();
        }
        catch (DuplicateKeyException decidedMeanwhile) {
            throw new AlreadyDecided(subjectKind, subjectId);
        }
        return jdbc.sql(SELECT + " where id = ?").param(id).query((rs, n) -> action(rs)).single();
    }

    /** One row of the trail. */
    Optional<Action> find(UUID id) {
        return jdbc.sql(SELECT + " where id = ?").param(id).query((rs, n) -> action(rs)).optional();
    }

    /** The decision about a subject (not an approval of one), if any was made. */
    Optional<Action> decisionAbout(String subjectKind, String subjectId) {
        return jdbc.sql(SELECT + " where subject_kind = ? and subject_id = ? and approves is null")
            .params(subjectKind, subjectId)
            .query((rs, n) -> action(rs))
            .optional();
    }

    /** The approval a second operator gave a decision, if any. */
    Optional<Action> approvalOf(UUID decision) {
        return jdbc.sql(SELECT + " where approves = ?").param(decision).query((rs, n) -> action(rs)).optional();
    }

    /**
     * Credits of deposits still in review that move more than {@code aboveKobo} and no
     * second operator has approved: the second-approval view, oldest first.
     */
    List<Action> awaitingApproval(long aboveKobo) {
        return jdbc.sql(SELECT + """
                 a where a.subject_kind = 'deposit' and a.decision = 'credit' and a.approves is null
                  and a.amount > ?
                  and exists (select 1 from deposits d where d.reference = a.subject_id and d.status = 'review')
                  and not exists (select 1 from operator_actions b where b.approves = a.id)
                order by a.at, a.id limit 200""").param(aboveKobo).query((rs, n) -> action(rs)).list();
    }

    /** A subject that an operator decided already, or that is no longer in its queue. */
    static final class AlreadyDecided extends WalletProblem {

        AlreadyDecided(String kind, String subject) {
            super(Kind.CONFLICT, "already_decided",
                    kind.replace('_', ' ') + " " + subject + " is decided already, or no longer waits for a person");
        }

    }

    ActionPage page(Filter filter, int limit, @Nullable String cursor) {
        StringBuilder sql = new StringBuilder(SELECT + " where true");
        Map<String, Object> parameters = new HashMap<>();
        if (filter.operatorEmail() != null) {
            sql.append(" and lower(operator_email) = lower(:operator)");
            parameters.put("operator", filter.operatorEmail());
        }
        if (filter.subjectKind() != null) {
            sql.append(" and subject_kind = :kind");
            parameters.put("kind", filter.subjectKind());
        }
        if (filter.decision() != null) {
            sql.append(" and decision = :decision");
            parameters.put("decision", filter.decision());
        }
        if (filter.from() != null) {
            sql.append(" and at >= :from");
            parameters.put("from", filter.from().atOffset(ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            sql.append(" and at < :to");
            parameters.put("to", filter.to().atOffset(ZoneOffset.UTC));
        }
        if (cursor != null && !cursor.isBlank()) {
            Cursors.read(cursor, 2, parts -> {
                parameters.put("before_at", OffsetDateTime.parse(parts[0]));
                parameters.put("before_id", UUID.fromString(parts[1]));
                return parts;
            });
            sql.append(" and (at, id) < (:before_at, :before_id)");
        }
        sql.append(" order by at desc, id desc limit :limit");
        parameters.put("limit", limit + 1);
        List<Action> actions = jdbc.sql(sql.toString()).params(parameters).query((rs, n) -> action(rs)).list();
        Cursors.Page<Action> page = Cursors.Page.of(actions, limit, last -> Cursors.of(last.at(), last.id()));
        return new ActionPage(page.items(), page.nextCursor());
    }

    private Action action(ResultSet rs) throws SQLException {
        return new Action(rs.getObject("id", UUID.class), rs.getObject("operator_id", UUID.class),
                rs.getString("operator_email"),
                rs.getObject("at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC),
                rs.getString("subject_kind"), rs.getString("subject_id"), rs.getString("decision"),
                rs.getString("reason"), tree(rs.getString("before")), tree(rs.getString("after")),
                rs.getObject("approves", UUID.class), (Long) rs.getObject("amount"));
    }

    private @Nullable Map<String, Object> tree(@Nullable String text) {
        return text == null ? null : json.readValue(text, OBJECT);
    }

}
