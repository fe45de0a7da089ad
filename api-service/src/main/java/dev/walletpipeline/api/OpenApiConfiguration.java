package dev.walletpipeline.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document behind {@code /v3/api-docs} and Swagger UI: both credentials, and
 * on every operation the problem responses with their codes (docs/API.md, "Errors").
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final Set<String> OPEN = Set.of("/auth/google", "/auth/google/callback", "/auth/refresh",
            "/auth/logout", "/.well-known/jwks.json");

    /**
     * Every operation's id and summary, by method and path: one place, checked complete
     * by a test.
     */
    private static final Map<String, String[]> OPERATIONS = Map.ofEntries(
            Map.entry("GET /auth/google", op("startSignIn", "Start signing in with Google")),
            Map.entry("GET /auth/google/callback", op("finishSignIn", "Finish signing in: tokens for the person")),
            Map.entry("POST /auth/refresh", op("refreshTokens", "Exchange a refresh token for a new token pair")),
            Map.entry("POST /auth/logout", op("logout", "Sign out: revoke the refresh token's family")),
            Map.entry("GET /auth/me", op("getMe", "The signed-in person, wallet number and balance")),
            Map.entry("GET /.well-known/jwks.json", op("getJwks", "Public keys that verify our access tokens")),
            Map.entry("POST /keys/create", op("createApiKey", "Create an API key (shown once)")),
            Map.entry("GET /keys", op("listApiKeys", "List the person's API keys, newest first")),
            Map.entry("POST /keys/rollover", op("rolloverApiKey", "Replace an expired API key")),
            Map.entry("POST /keys/{id}/revoke", op("revokeApiKey", "Revoke an API key")),
            Map.entry("POST /wallet/deposit", op("openDeposit", "Open a Paystack deposit")),
            Map.entry("GET /wallet/deposit/{reference}/status", op("getDepositStatus", "A deposit's status")),
            Map.entry("GET /wallet/balance",
                    op("getBalance",
                            "Balance and available amount now; with as_of, the posted balance at that instant and"
                                    + " the entry it rests on")),
            Map.entry("GET /wallet/statement",
                    op("getStatement",
                            "Statement of whole days in a time zone: opening and closing balance, totals, the posted"
                                    + " entries in order (paged); with Accept: text/csv, all of it as CSV, streamed")),
            Map.entry("POST /wallet/transfer", op("createTransfer", "Send money to another wallet")),
            Map.entry("GET /wallet/transfers/{id}", op("getTransfer", "A transfer's status")),
            Map.entry("POST /wallet/transfers/bulk",
                    op("createBulkTransfer",
                            "Send up to 100 transfers at once, each with its own reference and"
                                    + " outcome; atomic: all succeed or all fail")),
            Map.entry("GET /wallet/transfers/bulk/{id}",
                    op("getBulkTransfer", "A bulk transfer and every item's status")),
            Map.entry("GET /wallet/transactions",
                    op("listTransactions",
                            "Transaction history, newest first; narrowed by type, from, to, min_amount, max_amount"
                                    + " and reference")),
            Map.entry("POST /wallet/withdrawal-accounts",
                    op("saveWithdrawalAccount", "Save a bank account to withdraw to (a person only, not an API key;"
                            + " resolved with Paystack; usable from usable_from, after the cooling-off period)")),
            Map.entry("GET /wallet/withdrawal-accounts", op("listWithdrawalAccounts", "The saved bank accounts")),
            Map.entry("DELETE /wallet/withdrawal-accounts/{id}",
                    op("deleteWithdrawalAccount", "Remove a saved bank account (a person only, not an API key)")),
            Map.entry("POST /wallet/withdrawals", op("createWithdrawal", "Withdraw to a saved bank account")),
            Map.entry("GET /wallet/withdrawals/{id}", op("getWithdrawal", "A withdrawal's status")),
            Map.entry("POST /webhooks/endpoints",
                    op("createWebhookEndpoint",
                            "Register an endpoint for the wallet's events (a person only; at most 10); its signing"
                                    + " secret is shown once")),
            Map.entry("GET /webhooks/endpoints", op("listWebhookEndpoints", "The person's webhook endpoints")),
            Map.entry("GET /webhooks/endpoints/{id}", op("getWebhookEndpoint", "A webhook endpoint")),
            Map.entry("PATCH /webhooks/endpoints/{id}",
                    op("updateWebhookEndpoint", "Change an endpoint's url, event filter, description or enabled")),
            Map.entry("DELETE /webhooks/endpoints/{id}",
                    op("deleteWebhookEndpoint", "Delete an endpoint: nothing more is delivered to it")),
            Map.entry("POST /webhooks/endpoints/{id}/secret/rotate",
                    op("rotateWebhookSecret",
                            "A new signing secret (shown once); for 24 hours deliveries are signed by both")),
            Map.entry("POST /webhooks/endpoints/{id}/test",
                    op("sendWebhookTest", "Send the endpoint a webhook.test event")),
            Map.entry("POST /webhooks/endpoints/{id}/recover",
                    op("recoverWebhookEndpoint", "Send again every failed delivery to the endpoint since an instant")),
            Map.entry("GET /webhooks/deliveries",
                    op("listWebhookDeliveries",
                            "Deliveries newest first, each with its attempts (time, HTTP status, latency, the"
                                    + " answer's first 1 KB); needs the webhooks permission")),
            Map.entry("POST /webhooks/deliveries/{id}/resend",
                    op("resendWebhookDelivery", "Send a delivery again, with its webhook-id")),
            Map.entry("GET /ops/queues",
                    op("listOpsQueues",
                            "The operator's desk: each queue of what the pipeline set aside, with its size and the"
                                    + " age of its oldest item (operators only)")),
            Map.entry("GET /ops/queues/{queue}",
                    op("getOpsQueue",
                            "A queue's items, oldest first, a page at a time; dead letters per topic (operators"
                                    + " only)")),
            Map.entry("GET /ops/queues/{queue}/{id}",
                    op("getOpsQueueItem", "One item of a queue, with every byte it holds (operators only)")),
            Map.entry("POST /ops/dead-letters/{id}/close",
                    op("closeDeadLetter",
                            "Close a dead letter that needs nothing more, with the reason (operators" + " only)")),
            Map.entry("POST /ops/dead-letters/{id}/replay",
                    op("replayDeadLetter",
                            "Send a dead letter again as it came, once its cause is fixed (operators only)")),
            Map.entry("POST /ops/payment-exceptions/{id}/close",
                    op("closePaymentException",
                            "Close a payment exception or an over-refund, with the reason (operators only)")),
            Map.entry("POST /ops/payment-exceptions/{id}/link",
                    op("linkPaymentException",
                            "Link a payment exception to the deposit it is about (operators" + " only)")),
            Map.entry("POST /ops/deposits/{reference}/credit",
                    op("creditDeposit",
                            "Credit a deposit in review with what Paystack confirms now; above the threshold it"
                                    + " waits for a second operator (operators only)")),
            Map.entry("GET /ops/approvals",
                    op("listApprovals", "Decisions waiting for a second, different operator (operators only)")),
            Map.entry("POST /ops/actions/{id}/approve",
                    op("approveOperatorAction",
                            "Approve another operator's decision, which is then carried out (operators only)")),
            Map.entry("POST /ops/withdrawals/{id}/verify",
                    op("verifyWithdrawal",
                            "Ask Paystack now about a withdrawal it has not confirmed; a failed one's money comes"
                                    + " back (operators only)")),
            Map.entry("POST /ops/deposits/{reference}/reject",
                    op("rejectDeposit", "Reject a deposit in review: it is never credited (operators only)")),
            Map.entry("GET /ops/actions",
                    op("listOperatorActions",
                            "The trail of operators' decisions, newest first; narrowed by operator, kind, decision,"
                                    + " from and to (operators only)")));

    /** The operations that answer without a body (springdoc documents a 200 for them). */
    private static final Set<String> NO_CONTENT = Set.of("POST /auth/logout", "DELETE /wallet/withdrawal-accounts/{id}",
            "DELETE /webhooks/endpoints/{id}");

    /**
     * The operations that accept a request and answer before its outcome: 202 with the
     * pending resource, and, where a client may wait (Prefer: wait), 200 once it is
     * known.
     */
    private static final Map<String, Boolean> ACCEPTED = Map.of("POST /wallet/transfer", true,
            "POST /wallet/transfers/bulk", true, "POST /wallet/withdrawals", false);

    /** The success statuses as the controllers answer them. */
    private static void successes(String key, Operation operation) {
        ApiResponse ok = operation.getResponses().get("200");
        if (ok == null) {
            return;
        }
        if (NO_CONTENT.contains(key)) {
            operation.getResponses().remove("200");
            operation.getResponses().addApiResponse("204", new ApiResponse().description("done; no body"));
        }
        Boolean waits = ACCEPTED.get(key);
        if (waits != null) {
            operation.getResponses().remove("200");
            operation.getResponses()
                .addApiResponse("202",
                        new ApiResponse()
                            .description("accepted: pending, its outcome to follow (Location names where to read it)")
                            .content(ok.getContent()));
            if (waits) {
                operation.getResponses()
                    .addApiResponse("200",
                            new ApiResponse()
                                .description("the outcome, known within the wait the client asked for (Prefer: wait=N)")
                                .content(ok.getContent()));
            }
        }
    }

    private static String[] op(String operationId, String summary) {
        return new String[] { operationId, summary };
    }

    /** RFC 9457 problem details with our stable {@code code}. */
    private static Schema<?> problemSchema() {
        ObjectSchema problem = new ObjectSchema();
        problem.addProperty("type", new StringSchema());
        problem.addProperty("title", new StringSchema());
        problem.addProperty("status", new IntegerSchema());
        problem.addProperty("detail", new StringSchema());
        problem.addProperty("code", new StringSchema().description("stable machine-readable code"));
        problem.addProperty("field", new StringSchema().description("the offending field, for validation_failed"));
        problem.setRequired(List.of("type", "title", "status", "code"));
        return problem;
    }

    /**
     * The bodies are snake_case (spring.jackson.property-naming-strategy), but
     * swagger-core reads the records with its own Jackson 2 mapper, which knew nothing of
     * that: the document named every field in camelCase, and a generated client read
     * nulls. Found by GeneratedClientTests.
     */
    @Bean
    ModelResolver snakeCaseModels() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    @Bean
    OpenAPI walletOpenApi() {
        return new OpenAPI()
            .info(new Info().title("Wallet API")
                .version("1")
                .description("Amounts are integers in kobo. Every error is application/problem+json "
                        + "with a stable `code`."))
            .servers(List.of(new Server().url("http://localhost:8080").description("the local run (./run-local)")))
            .components(new Components()
                .addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP)
                            .scheme("bearer")
                            .bearerFormat("JWT")
                            .description("Access token from /auth/google/callback or /auth/refresh"))
                .addSecuritySchemes("apiKey",
                        new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                            .in(SecurityScheme.In.HEADER)
                            .name("x-api-key")
                            .description("sk_live_... key with deposit, transfer, withdraw, read and/or webhooks"
                                    + " permissions")))
            .addSecurityItem(new SecurityRequirement().addList("bearer"))
            .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        Map<String, String> common = new LinkedHashMap<>();
        common.put("400", "validation_failed: malformed JSON, wrong types, out-of-range values (field named);"
                + " invalid_as_of, as_of_in_future, invalid_date, invalid_date_range, statement_period_too_long,"
                + " invalid_timezone, invalid_type, invalid_amount, invalid_amount_range, invalid_reference,"
                + " invalid_webhook_url, webhook_url_not_https, webhook_target_not_public,"
                + " webhook_target_unresolvable, invalid_event_type, invalid_status, invalid_since");
        common.put("401", "credentials_missing, token_invalid, token_expired, api_key_invalid, api_key_expired, "
                + "api_key_revoked, sign_in_failed");
        common.put("403", "permission_missing: the API key lacks the permission named in detail, or the call is"
                + " a person's only (API keys, bank accounts); operator_only: the operator's desk, for operators"
                + " signed in with a bearer token; second_operator_required: an operator approving their own decision");
        common.put("404", "not_found, unknown_queue");
        common.put("409",
                "idempotency_conflict, api_key_limit_reached, key_already_rolled_over, email_already_registered,"
                        + " webhook_endpoint_limit_reached, already_decided, awaiting_approval, nothing_to_approve, cannot_replay");
        common.put("413", "payload_too_large: a body over 64 KiB");
        common.put("422", "insufficient_funds, wallet_in_debt, recipient_not_found, self_transfer, key_not_expired,"
                + " key_revoked, account_not_resolved, withdrawal_limit_exceeded, withdrawal_account_cooling_off,"
                + " payment_not_confirmed");
        common.put("429", "rate_limited (see Retry-After)");
        common.put("502", "paystack_failed: Paystack answered with an error");
        common.put("503", "sign_in_unavailable, busy: retry later");
        common.put("504", "paystack_timeout: Paystack did not answer in time; the call may have been taken");
        return openApi -> {
            // Added here, after springdoc has built the components: a schema set on the
            // bean alone was dropped.
            openApi.getComponents().addSchemas("Problem", problemSchema());
            WebhookDocumentation.addTo(openApi);
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                String key = method.name() + " " + path;
                String[] described = OPERATIONS.get(key);
                if (described != null) {
                    operation.setOperationId(described[0]);
                    operation.setSummary(described[1]);
                }
                if (key.equals("GET /wallet/statement")) {
                    // The CSV variant writes its rows itself, so springdoc sees no body.
                    operation.getResponses()
                        .get("200")
                        .getContent()
                        .addMediaType("text/csv", new MediaType().schema(new StringSchema().description(
                                "RFC 4180 with a header row: posted_at,type,reference,counterparty_wallet_number,"
                                        + "amount_kobo,amount_naira,balance_after_kobo,balance_after_naira; an"
                                        + " opening_balance line first and a closing_balance line last; times in tz")));
                }
                successes(key, operation);
                if (OPEN.contains(path)) {
                    operation.setSecurity(List.of());
                }
                common
                    .forEach((status, codes) -> operation.getResponses()
                        .putIfAbsent(status, new ApiResponse().description(codes)
                            .content(new Content().addMediaType("application/problem+json",
                                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))))));
            }));
        };
    }

}
