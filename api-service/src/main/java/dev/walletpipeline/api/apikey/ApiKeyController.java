package dev.walletpipeline.api.apikey;

import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.ratelimit.ClientAddress;
import dev.walletpipeline.api.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /keys}: for people signed in with a bearer token only. */
@RestController
class ApiKeyController {

    private final ApiKeys keys;

    private final RateLimiter rateLimiter;

    private final ClientAddress clientAddress;

    private final ApiSettings.RateLimits limits;

    private final Clock clock = Clock.systemUTC();

    ApiKeyController(ApiKeys keys, RateLimiter rateLimiter, ClientAddress clientAddress, ApiSettings settings) {
        this.keys = keys;
        this.clientAddress = clientAddress;
        this.rateLimiter = rateLimiter;
        this.limits = settings.rateLimits();
    }

    record CreateRequest(@Nullable String name, @Nullable List<String> permissions, @Nullable String expiry) {
    }

    record RolloverRequest(@Nullable UUID expiredKeyId, @Nullable String expiry) {
    }

    record CreatedKey(UUID id, String apiKey, String name, List<String> permissions, Instant expiresAt) {
    }

    record KeyView(UUID id, String name, String prefix, List<String> permissions, Instant expiresAt, boolean revoked,
            boolean expired, @Nullable Instant lastUsedAt, Instant createdAt) {
    }

    record Revoked(UUID id, boolean revoked) {
    }

    @PostMapping("/keys/create")
    @ResponseStatus(HttpStatus.CREATED)
    CreatedKey create(@AuthenticationPrincipal Caller caller, @RequestBody CreateRequest request,
            HttpServletRequest http) {
        caller.requirePerson();
        rateLimiter.acquire("key-creation-user", caller.userId().toString(), limits.keyCreationPerUserPerMinute());
        rateLimiter.acquire("key-creation-address", clientAddress.of(http), limits.keyCreationPerAddressPerMinute());
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 100) {
            throw WalletProblem.invalid("name", "name must be 1 to 100 characters");
        }
        Set<Permission> permissions = permissions(request.permissions());
        Expiry expiry = Expiry.parse(request.expiry() == null ? "" : request.expiry());
        return created(keys.create(caller.userId(), name, permissions, expiry));
    }

    @GetMapping("/keys")
    List<KeyView> list(@AuthenticationPrincipal Caller caller) {
        Instant now = clock.instant();
        return keys.list(caller.requirePerson().userId())
            .stream()
            .map(key -> new KeyView(key.id(), key.name(), key.prefix(), wire(key.permissions()), key.expiresAt(),
                    key.revokedAt() != null, key.expired(now), key.lastUsedAt(), key.createdAt()))
            .toList();
    }

    @PostMapping("/keys/rollover")
    @ResponseStatus(HttpStatus.CREATED)
    CreatedKey rollover(@AuthenticationPrincipal Caller caller, @RequestBody RolloverRequest request,
            HttpServletRequest http) {
        caller.requirePerson();
        // A rollover makes a key: the same limits as creating one.
        rateLimiter.acquire("key-creation-user", caller.userId().toString(), limits.keyCreationPerUserPerMinute());
        rateLimiter.acquire("key-creation-address", clientAddress.of(http), limits.keyCreationPerAddressPerMinute());
        if (request.expiredKeyId() == null) {
            throw WalletProblem.invalid("expired_key_id", "expired_key_id is required");
        }
        Expiry expiry = Expiry.parse(request.expiry() == null ? "" : request.expiry());
        return created(keys.rollover(caller.userId(), request.expiredKeyId(), expiry));
    }

    @PostMapping("/keys/{id}/revoke")
    Revoked revoke(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        keys.revoke(caller.requirePerson().userId(), id);
        return new Revoked(id, true);
    }

    private static Set<Permission> permissions(@Nullable List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw WalletProblem.invalid("permissions",
                    "permissions must name at least one of deposit, transfer, withdraw, read, webhooks");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String name : requested) {
            permissions.add(Permission.fromWire(name == null ? "" : name)
                .orElseThrow(() -> WalletProblem.invalid("permissions",
                        "unknown permission '" + name + "'; allowed: deposit, transfer, withdraw, read, webhooks")));
        }
        return permissions;
    }

    private static CreatedKey created(ApiKeys.Created created) {
        ApiKeys.Key key = created.key();
        return new CreatedKey(key.id(), created.secret(), key.name(), wire(key.permissions()), key.expiresAt());
    }

    private static List<String> wire(Set<Permission> permissions) {
        return permissions.stream().map(Permission::wireName).sorted().toList();
    }

}
