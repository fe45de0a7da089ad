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
 * @param operator whether the person works the operator's desk (the {@code operator}
 * scope of our JWT); never true for an API key
 */
public record Caller(UUID userId, Set<Permission> permissions, @Nullable UUID apiKeyId, boolean operator) {

    public Caller {
        if (operator && apiKeyId != null) {
            throw new IllegalArgumentException("an API key never carries the operator role");
        }
    }

    public static Caller person(UUID userId) {
        return new Caller(userId, EnumSet.allOf(Permission.class), null, false);
    }

    /** A person whose token carries the operator scope. */
    public static Caller operator(UUID userId) {
        return new Caller(userId, EnumSet.allOf(Permission.class), null, true);
    }

    public static Caller apiKey(UUID userId, Set<Permission> permissions, UUID apiKeyId) {
        return new Caller(userId, Set.copyOf(permissions), apiKeyId, false);
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

    /** The operator's desk is for operators only: never for an API key or a customer. */
    public Caller requireOperator() {
        if (!operator) {
            throw new OperatorOnly();
        }
        return this;
    }

    public static final class OperatorOnly extends WalletProblem {

        OperatorOnly() {
            super(Kind.FORBIDDEN, "operator_only",
                    "only an operator signed in with a bearer token may use the operator's desk");
        }

    }

    public static final class PermissionMissing extends WalletProblem {

        PermissionMissing(String detail) {
            super(Kind.FORBIDDEN, "permission_missing", detail);
        }

    }
}
