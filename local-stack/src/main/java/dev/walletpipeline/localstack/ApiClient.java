package dev.walletpipeline.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for api-service as its clients see it: status, headers, JSON; for
 * tests and tools.
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(3))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    private final String baseUrl;

    public ApiClient(int port) {
        this.baseUrl = "http://localhost:" + port;
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body.isEmpty() ? "{}" : body);
        }

        public String text(String field) {
            return json().path(field).asString();
        }

        public String code() {
            return text("code");
        }

        public String header(String name) {
            return headers.entrySet()
                .stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0))
                .findFirst()
                .orElse(null);
        }
    }

    /** Credentials of a request: any of them may be null. */
    public record As(String bearer, String apiKey) {
        public static final As NOBODY = new As(null, null);

        public static As person(String token) {
            return new As(token, null);
        }

        public static As key(String key) {
            return new As(null, key);
        }
    }

    public Response get(String path, As as) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), as);
    }

    public Response post(String path, As as, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)), as);
    }

    public Response postWithHeader(String path, As as, String json, String header, String value) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("content-type", "application/json")
            .header(header, value)
            .POST(HttpRequest.BodyPublishers.ofString(json)), as);
    }

    public Response request(String method, String path, As as, String contentType, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("content-type", contentType);
        }
        return send(builder, as);
    }

    /** Any request, with one extra header (for example the proxy's X-Forwarded-For). */
    public Response request(String method, String path, As as, String contentType, String body, String header,
            String value) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header(header, value);
        if (contentType != null) {
            builder.header("content-type", contentType);
        }
        return send(builder, as);
    }

    public static Response getAbsolute(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), As.NOBODY);
    }

    private static Response send(HttpRequest.Builder builder, As as) {
        if (as.bearer() != null) {
            builder.header("Authorization", "Bearer " + as.bearer());
        }
        if (as.apiKey() != null) {
            builder.header("x-api-key", as.apiKey());
        }
        try {
            HttpResponse<String> response = HTTP.send(builder.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first two steps of a sign-in, as a browser takes them: start it (which sets the
     * browser's sign-in cookie) and pass the provider's consent, which redirects to the
     * callback.
     *
     * @param callbackPath the callback the provider redirected to, path and query
     * @param cookie the sign-in cookie, {@code name=value}, as the browser would send it
     * back
     */
    public record PendingSignIn(String callbackPath, String cookie) {
    }

    public PendingSignIn startSignIn(String email) {
        Response start = get("/auth/google?login_hint=" + email, As.NOBODY);
        if (start.status() != 200) {
            throw new IllegalStateException("sign-in start failed: " + start);
        }
        String setCookie = start.header("set-cookie");
        if (setCookie == null) {
            throw new IllegalStateException("sign-in start set no cookie: " + start);
        }
        Response consent = getAbsolute(start.text("authorization_url"));
        String callback = consent.header("location");
        if (consent.status() != 302 || callback == null) {
            throw new IllegalStateException("provider did not redirect: " + consent);
        }
        return new PendingSignIn(callback.substring(callback.indexOf("/auth/google/callback")),
                setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length() : setCookie.indexOf(';')));
    }

    /** The callback, sent with this cookie header (or none, as another client would). */
    public Response callback(PendingSignIn pending, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pending.callbackPath())).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request, As.NOBODY);
    }

    /**
     * Signs in through the provider (the local Google stand-in) as a person with this
     * email.
     */
    public SignedIn signIn(String email) {
        PendingSignIn pending = startSignIn(email);
        Response tokens = callback(pending, pending.cookie());
        if (tokens.status() != 200) {
            throw new IllegalStateException("callback failed: " + tokens);
        }
        JsonNode body = tokens.json();
        return new SignedIn(body.path("access_token").asString(), body.path("refresh_token").asString(),
                body.path("user").path("id").asString(), body.path("user").path("wallet_number").asString());
    }

    public record SignedIn(String accessToken, String refreshToken, String userId, String walletNumber) {
        public As as() {
            return As.person(accessToken);
        }
    }

    /** Creates an API key for a signed-in person; returns the secret. */
    public String createKey(SignedIn person, String expiry, String... permissions) {
        List<String> quoted = new ArrayList<>();
        for (String p : permissions) {
            quoted.add("\"" + p + "\"");
        }
        Response created = post("/keys/create", person.as(),
                "{\"name\":\"svc\",\"permissions\":[" + String.join(",", quoted) + "],\"expiry\":\"" + expiry + "\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("key creation failed: " + created);
        }
        return created.text("api_key");
    }

}
