package dev.walletpipeline.api.ops;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.problem.WalletProblem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's desk over HTTP: the queues, the decisions and the trail. Every route
 * refuses anyone but an operator with 403 {@code operator_only}, before it reads a
 * parameter or a body (SecurityConfiguration, and here again).
 */
@RestController
class OpsController {

    /** The longest reason an operator may give (the trail's check). */
    static final int REASON_CHARACTERS_MAX = 2000;

    private final OperatorDesk desk;

    private final OperatorActions actions;

    private final OpsDecisions decisions;

    OpsController(OperatorDesk desk, OperatorActions actions, OpsDecisions decisions) {
        this.desk = desk;
        this.actions = actions;
        this.decisions = decisions;
    }

    /** Why: required of every decision, kept in the trail. */
    record Decision(
            @Schema(description = "why, for the trail") @NotBlank @Size(max = REASON_CHARACTERS_MAX) String reason) {
    }

    record Link(@Schema(description = "why, for the trail") @NotBlank @Size(max = REASON_CHARACTERS_MAX) String reason,
            @Schema(description = "the deposit the exception is about") @NotBlank @Size(
                    max = 100) String depositReference) {
    }

    @PostMapping("/ops/dead-letters/{id}/close")
    @ResponseStatus(HttpStatus.CREATED)
    OperatorActions.Action closeDeadLetter(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @Valid @RequestBody Decision body) {
        return decisions.closeDeadLetter(caller.requireOperator().userId(), id, body.reason());
    }

    @PostMapping("/ops/dead-letters/{id}/replay")
    @ResponseStatus(HttpStatus.CREATED)
    OperatorActions.Action replayDeadLetter(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @Valid @RequestBody Decision body) {
        return decisions.replayDeadLetter(caller.requireOperator().userId(), id, body.reason());
    }

    @PostMapping("/ops/payment-exceptions/{id}/close")
    @ResponseStatus(HttpStatus.CREATED)
    OperatorActions.Action closePaymentException(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @Valid @RequestBody Decision body) {
        return decisions.closePaymentException(caller.requireOperator().userId(), id, body.reason());
    }

    @PostMapping("/ops/payment-exceptions/{id}/link")
    @ResponseStatus(HttpStatus.CREATED)
    OperatorActions.Action linkPaymentException(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @Valid @RequestBody Link body) {
        return decisions.linkPaymentException(caller.requireOperator().userId(), id, body.depositReference(),
                body.reason());
    }

    @PostMapping("/ops/deposits/{reference}/credit")
    @ResponseStatus(HttpStatus.ACCEPTED)
    OperatorActions.Action creditDeposit(@AuthenticationPrincipal Caller caller, @PathVariable String reference,
            @Valid @RequestBody Decision body) {
        return decisions.creditDeposit(caller.requireOperator().userId(), reference, body.reason());
    }

    @GetMapping("/ops/approvals")
    Approvals approvals(@AuthenticationPrincipal Caller caller) {
        caller.requireOperator();
        return new Approvals(decisions.awaitingApproval());
    }

    record Approvals(List<OperatorActions.Action> items) {
    }

    @PostMapping("/ops/actions/{id}/approve")
    @ResponseStatus(HttpStatus.ACCEPTED)
    OperatorActions.Action approve(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @Valid @RequestBody Decision body) {
        return decisions.approve(caller.requireOperator().userId(), id, body.reason());
    }

    @PostMapping("/ops/withdrawals/{id}/verify")
    @ResponseStatus(HttpStatus.CREATED)
    OperatorActions.Action verifyWithdrawal(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @Valid @RequestBody Decision body) {
        return decisions.verifyWithdrawal(caller.requireOperator().userId(), id, body.reason());
    }

    @PostMapping("/ops/deposits/{reference}/reject")
    @ResponseStatus(HttpStatus.CREATED)
    OperatorActions.Action rejectDeposit(@AuthenticationPrincipal Caller caller, @PathVariable String reference,
            @Valid @RequestBody Decision body) {
        return decisions.rejectDeposit(caller.requireOperator().userId(), reference, body.reason());
    }

    record Queues(List<OperatorDesk.QueueSummary> queues) {
    }

    @GetMapping("/ops/queues")
    Queues queues(@AuthenticationPrincipal Caller caller) {
        caller.requireOperator();
        return new Queues(desk.summaries());
    }

    @GetMapping("/ops/queues/{queue}")
    OperatorDesk.QueuePage queue(@AuthenticationPrincipal Caller caller, @PathVariable String queue,
            @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable String topic) {
        caller.requireOperator();
        Queue named = queue(queue);
        if (limit < 1 || limit > 200) {
            throw WalletProblem.invalid("limit", "limit must be 1 to 200");
        }
        if (topic != null && named != Queue.DEAD_LETTERS) {
            throw WalletProblem.invalid("topic", "only dead letters are listed per topic");
        }
        return desk.page(named, limit, cursor, topic);
    }

    @GetMapping("/ops/queues/{queue}/{id}")
    OperatorDesk.QueueItem item(@AuthenticationPrincipal Caller caller, @PathVariable String queue,
            @PathVariable String id) {
        caller.requireOperator();
        return desk.item(queue(queue), id).orElseThrow(() -> WalletProblem.notFound("queue item"));
    }

    @GetMapping("/ops/actions")
    OperatorActions.ActionPage trail(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String operator,
            @RequestParam(required = false) @Nullable String kind,
            @RequestParam(required = false) @Nullable String decision,
            @RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
            @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) @Nullable String cursor) {
        caller.requireOperator();
        if (limit < 1 || limit > 200) {
            throw WalletProblem.invalid("limit", "limit must be 1 to 200");
        }
        if (kind != null && Arrays.stream(Queue.values()).map(Queue::subjectKind).noneMatch(kind::equals)) {
            throw WalletProblem.invalid("kind",
                    "kind must be one of " + Arrays.stream(Queue.values())
                        .map(Queue::subjectKind)
                        .distinct()
                        .collect(Collectors.joining(", ")));
        }
        return actions.page(
                new OperatorActions.Filter(operator, kind, decision, instant("from", from), instant("to", to)), limit,
                cursor);
    }

    private static Queue queue(String name) {
        return Queue.of(name)
            .orElseThrow(() -> new WalletProblem(WalletProblem.Kind.NOT_FOUND, "unknown_queue",
                    "no queue " + name + "; the queues are "
                            + Arrays.stream(Queue.values()).map(Queue::wire).collect(Collectors.joining(", "))));
    }

    private static @Nullable Instant instant(String field, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        }
        catch (DateTimeParseException e) {
            throw WalletProblem.invalid(field, field + " must be an RFC 3339 time, e.g. 2026-12-08T00:00:00Z");
        }
    }

}
