package dev.walletpipeline.api.webhook;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.contracts.states.DeliveryStatus;
import dev.walletpipeline.contracts.webhooks.WebhookEventType;
import dev.walletpipeline.contracts.webhooks.WebhookSignature;
import dev.walletpipeline.contracts.webhooks.WebhookTargets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /webhooks}: endpoints are managed by a person signed in with a bearer token,
 * like API keys; an API key with the {@code webhooks} permission may read the delivery
 * log.
 */
@RestController
class WebhookController {

    private final WebhookEndpoints endpoints;

    private final WebhookDeliveries deliveries;

    private final WebhookTargets targets;

    WebhookController(WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookSettings settings) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.targets = new WebhookTargets(settings.localTargetsAllowed(), WebhookTargets.Resolver.DNS);
    }

    record NewWebhookEndpoint(@Nullable String url, @Nullable List<String> eventTypes, @Nullable String description) {
    }

    /**
     * Every field optional; {@code event_types: null} given explicitly is not told apart
     * from absent, so an empty list is refused and {@code all_event_types: true} clears
     * the filter.
     */
    record WebhookEndpointChange(@Nullable String url, @Nullable List<String> eventTypes,
            @Nullable Boolean allEventTypes, @Nullable String description, @Nullable Boolean enabled) {
    }

    record WebhookRecovery(@Nullable String since) {
    }

    /** An endpoint, with its secret only when it was just made or rotated. */
    record WebhookEndpointView(UUID id, String url, String description, @Nullable List<String> eventTypes,
            boolean enabled, @Nullable String disabledReason, @Nullable Instant failingSince,
            @Nullable Instant previousSecretUntil, Instant createdAt, @Nullable String secret) {

        static WebhookEndpointView of(WebhookEndpoints.Endpoint e, byte @Nullable [] secret) {
            return new WebhookEndpointView(e.id(), e.url(), e.description(), e.eventTypes(), e.enabled(),
                    e.disabledReason(), e.failingSince(), e.previousSecretUntil(), e.createdAt(),
                    secret == null ? null : WebhookSignature.shown(secret));
        }

    }

    record WebhookDeliveryQueued(UUID deliveryId, String status) {
    }

    record WebhookRecovered(UUID endpointId, int resent) {
    }

    @PostMapping("/webhooks/endpoints")
    @ResponseStatus(HttpStatus.CREATED)
    WebhookEndpointView create(@AuthenticationPrincipal Caller caller, @RequestBody NewWebhookEndpoint request) {
        caller.requirePerson();
        String url = checkedUrl(request.url());
        byte[] secret = WebhookSignature.newSecret();
        return WebhookEndpointView.of(endpoints.create(caller.userId(), url, description(request.description()),
                eventTypes(request.eventTypes()), secret), secret);
    }

    @GetMapping("/webhooks/endpoints")
    List<WebhookEndpointView> list(@AuthenticationPrincipal Caller caller) {
        return endpoints.list(caller.requirePerson().userId())
            .stream()
            .map(e -> WebhookEndpointView.of(e, null))
            .toList();
    }

    @GetMapping("/webhooks/endpoints/{id}")
    WebhookEndpointView get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return WebhookEndpointView.of(endpoints.find(caller.requirePerson().userId(), id), null);
    }

    @PatchMapping("/webhooks/endpoints/{id}")
    WebhookEndpointView update(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @RequestBody WebhookEndpointChange request) {
        caller.requirePerson();
        String url = request.url() == null ? null : checkedUrl(request.url());
        boolean all = Boolean.TRUE.equals(request.allEventTypes());
        if (all && request.eventTypes() != null) {
            throw WalletProblem.invalid("event_types", "give event_types or all_event_types, not both");
        }
        return WebhookEndpointView.of(
                endpoints.update(caller.userId(), id, url,
                        request.description() == null ? null : description(request.description()),
                        request.eventTypes() == null ? null : eventTypes(request.eventTypes()), all, request.enabled()),
                null);
    }

    @DeleteMapping("/webhooks/endpoints/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        endpoints.delete(caller.requirePerson().userId(), id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/webhooks/endpoints/{id}/secret/rotate")
    WebhookEndpointView rotate(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        byte[] secret = WebhookSignature.newSecret();
        return WebhookEndpointView.of(endpoints.rotate(caller.requirePerson().userId(), id, secret), secret);
    }

    @PostMapping("/webhooks/endpoints/{id}/test")
    @ResponseStatus(HttpStatus.ACCEPTED)
    WebhookDeliveryQueued test(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return new WebhookDeliveryQueued(endpoints.test(caller.requirePerson().userId(), id),
                DeliveryStatus.PENDING.wire());
    }

    @PostMapping("/webhooks/endpoints/{id}/recover")
    @ResponseStatus(HttpStatus.ACCEPTED)
    WebhookRecovered recover(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @RequestBody WebhookRecovery request) {
        endpoints.find(caller.requirePerson().userId(), id);
        if (request.since() == null) {
            throw WalletProblem.invalid("since", "invalid_since", "since is required (an RFC 3339 instant)");
        }
        return new WebhookRecovered(id, deliveries.recover(id, instant("since", request.since())));
    }

    @GetMapping("/webhooks/deliveries")
    WebhookDeliveries.WebhookDeliveryPage deliveries(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable UUID endpoint,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String since, @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) @Nullable String cursor) {
        caller.require(Permission.WEBHOOKS);
        if (status != null && Arrays.stream(DeliveryStatus.values()).noneMatch(s -> s.wire().equals(status))) {
            throw WalletProblem.invalid("status", "invalid_status", "status must be pending, delivered or failed");
        }
        if (limit < 1 || limit > 200) {
            throw WalletProblem.invalid("limit", "limit must be 1 to 200");
        }
        return deliveries.page(caller.userId(),
                new WebhookDeliveries.Filter(endpoint, status, since == null ? null : instant("since", since)), limit,
                cursor);
    }

    @PostMapping("/webhooks/deliveries/{id}/resend")
    @ResponseStatus(HttpStatus.ACCEPTED)
    WebhookDeliveryQueued resend(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        deliveries.resend(caller.requirePerson().userId(), id);
        return new WebhookDeliveryQueued(id, DeliveryStatus.PENDING.wire());
    }

    private String checkedUrl(@Nullable String url) {
        if (url == null || url.isBlank()) {
            throw WalletProblem.invalid("url", "invalid_webhook_url", "url is required");
        }
        if (url.length() > 2000) {
            throw WalletProblem.invalid("url", "invalid_webhook_url", "url must be at most 2000 characters");
        }
        targets.refusal(url).ifPresent(refusal -> {
            throw WalletProblem.invalid("url", refusal.code(), refusal.detail());
        });
        return url;
    }

    /** The longest description an endpoint keeps (the database's check says the same). */
    private static final int DESCRIPTION_CHARACTERS_MAX = 500;

    private static String description(@Nullable String description) {
        String text = description == null ? "" : description.strip();
        if (text.length() > DESCRIPTION_CHARACTERS_MAX) {
            throw WalletProblem.invalid("description",
                    "description must be at most " + DESCRIPTION_CHARACTERS_MAX + " characters");
        }
        return text;
    }

    private static @Nullable List<String> eventTypes(@Nullable List<String> requested) {
        if (requested == null) {
            return null;
        }
        if (requested.isEmpty()) {
            throw WalletProblem.invalid("event_types", "invalid_event_type",
                    "event_types must name at least one type; leave it out for every type");
        }
        List<String> types = new ArrayList<>();
        for (String name : requested) {
            WebhookEventType type = WebhookEventType.filterable(name == null ? "" : name)
                .orElseThrow(() -> WalletProblem.invalid("event_types", "invalid_event_type",
                        "unknown event type '" + name + "'; known: " + known()));
            if (!types.contains(type.wireName())) {
                types.add(type.wireName());
            }
        }
        return types;
    }

    private static String known() {
        return String.join(", ",
                Arrays.stream(WebhookEventType.values())
                    .filter(t -> t != WebhookEventType.TEST)
                    .map(WebhookEventType::wireName)
                    .toList());
    }

    private static Instant instant(String field, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        }
        catch (DateTimeParseException e) {
            throw WalletProblem.invalid(field, "invalid_" + field,
                    field + " must be an RFC 3339 instant with an offset");
        }
    }

}
