package dev.walletpipeline.api;

import dev.walletpipeline.contracts.webhooks.WebhookEventType;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;

/**
 * What webhook-dispatcher sends to a registered endpoint, as OpenAPI 3.1
 * {@code webhooks}: one entry per event type, the Standard Webhooks headers, and the body
 * {@code {type, timestamp, data}}.
 */
final class WebhookDocumentation {

    private WebhookDocumentation() {
    }

    static void addTo(OpenAPI openApi) {
        openApi.getComponents().addSchemas("WebhookEventData", data());
        for (WebhookEventType type : WebhookEventType.values()) {
            ObjectSchema body = new ObjectSchema();
            body.addProperty("type", new StringSchema()._enum(List.of(type.wireName())));
            body.addProperty("timestamp",
                    new StringSchema().format("date-time").description("when the ledger recorded the event"));
            body.addProperty("data",
                    type == WebhookEventType.TEST
                            ? new ObjectSchema().addProperty("endpoint_id", new StringSchema().format("uuid"))
                                .addProperty("message", new StringSchema())
                            : new Schema<>().$ref("#/components/schemas/WebhookEventData"));
            body.setRequired(List.of("type", "timestamp", "data"));
            Operation delivery = new Operation().operationId("webhook_" + type.wireName().replace('.', '_'))
                .summary(summary(type))
                .security(List.of())
                .addParametersItem(header("webhook-id",
                        "the same on every attempt and resend of this event, unique per event: dedupe on it"))
                .addParametersItem(header("webhook-timestamp", "Unix seconds of this attempt"))
                .addParametersItem(header("webhook-signature",
                        "space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body> entries, keyed with the"
                                + " whsec_ secret's decoded bytes; two during a rotation"))
                .requestBody(new RequestBody().required(true)
                    .content(new Content().addMediaType("application/json", new MediaType().schema(body))))
                .responses(new ApiResponses()
                    .addApiResponse("2XX", new ApiResponse().description("received; any other answer, a time-out"
                            + " (15 s) or no connection is tried again: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h;"
                            + " Retry-After is honoured on 429 and 503"))
                    .addApiResponse("410", new ApiResponse().description("the endpoint is disabled")));
            openApi.addWebhooks(type.wireName(), new PathItem().post(delivery));
        }
    }

    private static String summary(WebhookEventType type) {
        return switch (type) {
            case DEPOSIT_CREDITED -> "A deposit was credited to the wallet";
            case DEPOSIT_IN_REVIEW -> "A deposit's amount or currency differed from what was opened: held for review";
            case DEPOSIT_REVERSED -> "A credited deposit was reversed";
            case TRANSFER_COMPLETED -> "A transfer was posted (direction: out for the sender, in for the recipient)";
            case TRANSFER_FAILED -> "A transfer was rejected, with the reason";
            case WITHDRAWAL_DEBITED -> "A withdrawal's amount left the wallet, on its way to the bank";
            case WITHDRAWAL_COMPLETED -> "Paystack paid a withdrawal out";
            case WITHDRAWAL_RETURNED -> "A withdrawal failed or was reversed: its amount is back in the wallet";
            case REFUND_DEBITED -> "A refund of a deposit was debited";
            case CHARGEBACK_HELD -> "A disputed deposit's amount is held";
            case CHARGEBACK_RELEASED -> "A dispute was resolved for the wallet: the amount is released";
            case CHARGEBACK_DEBITED -> "A dispute was lost: the amount is debited";
            case TEST -> "A test event its owner asked for";
        };
    }

    private static Schema<?> data() {
        ObjectSchema data = new ObjectSchema();
        data.addProperty("event_id", new StringSchema().description("the ledger event's id"));
        data.addProperty("status", new StringSchema().description("what the event leaves its subject as: completed,"
                + " rejected (transfers); processing, completed, returned (withdrawals); credited, review, reversed"
                + " (deposits); refunded; held, released, charged_back (disputes)"));
        data.addProperty("wallet_id", new StringSchema().format("uuid"));
        data.addProperty("wallet_number", new StringSchema().pattern("^[0-9]{13}$"));
        data.addProperty("sequence",
                new IntegerSchema().format("int64").description("the wallet's event sequence: 1, 2, 3, ..."));
        data.addProperty("amount", new IntegerSchema().format("int64").description("kobo, positive"));
        data.addProperty("currency", new StringSchema());
        data.addProperty("balance_after", new IntegerSchema().format("int64").description("kobo"));
        data.addProperty("transfer_id", new StringSchema().format("uuid").description("transfer events"));
        data.addProperty("direction", new StringSchema()._enum(List.of("out", "in")).description("transfer events"));
        data.addProperty("reference",
                new StringSchema().description("the Paystack reference of a deposit, refund or chargeback"));
        data.addProperty("withdrawal_id", new StringSchema().description("withdrawal events"));
        data.addProperty("reason", new StringSchema().description("why a transfer failed or a deposit is held"));
        data.setRequired(
                List.of("event_id", "wallet_id", "wallet_number", "sequence", "amount", "currency", "balance_after"));
        return data;
    }

    private static HeaderParameter header(String name, String description) {
        HeaderParameter header = new HeaderParameter();
        header.setName(name);
        header.setRequired(true);
        header.setDescription(description);
        header.setSchema(new StringSchema());
        return header;
    }

}
