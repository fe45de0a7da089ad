package dev.walletpipeline.api.caller;

import dev.walletpipeline.api.problem.WalletProblem;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The authenticated caller of a request.
 *
 * @param userId whose wallet the caller acts on
 * @param permissions what it may do there; every permission for a person
 * @param apiKeyId the key used, or null for a person signed in with our JWT
 */
public record Caller(UUID userId, Set<Permission> permissions, @Nullable UUID apiKeyId) {

    public static Caller person(UUID userId) {
        return new Caller(userId, EnumSet.allOf(Permission.class), null);
    }

    public static Caller apiKey(UUID userId, Set<Permission> permissions, UUID apiKeyId) {
        return new Caller(userId, Set.copyOf(permissions), apiKeyId);
    }

    public boolean isPerson() {
        return apiKeyId == null;
    }

    /** Whom a rate limit counts: the API key, or the person. */
    public String rateLimitKey() {
        return apiKeyId != null ? "key:" + apiKeyId : "user:" + userId;
    }

    /** The one authorization rule: a key does only what its permissions allow. */
    public Caller require(Permission permission) {
        if (!permissions.contains(permission)) {
            throw new PermissionMissing("this API key lacks the '" + permission.wireName() + "' permission");
        }
        return this;
    }

    /** Managing API keys is for the person, never for a key. */
    public Caller requirePerson() {
        if (!isPerson()) {
            throw new PermissionMissing("only a person signed in with a bearer token may do this: API keys and"
                    + " withdrawal accounts are not managed with an API key");
        }
        return this;
    }

    public static final class PermissionMissing extends WalletProblem {

        PermissionMissing(String detail) {
            super(Kind.FORBIDDEN, "permission_missing", detail);
        }

    }
}
