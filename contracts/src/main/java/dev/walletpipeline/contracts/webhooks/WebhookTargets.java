package dev.walletpipeline.contracts.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which URLs a webhook may be sent to. Outside the local run: {@code https} only, and
 * every address the host resolves to must be a public one (no loopback, private,
 * link-local, carrier-grade NAT, multicast, unspecified or cloud metadata address, in
 * IPv4 or IPv6 form), so that an endpoint cannot make the dispatcher call inside the
 * network. api-service checks when an endpoint is registered or changed; the dispatcher
 * checks again before every attempt, so a name that resolves elsewhere later (DNS
 * rebinding) is refused then. The local run allows {@code http} and a host that resolves
 * to this machine's loopback only, for a receiver on {@code localhost}.
 */
public final class WebhookTargets {

    /** How a host name becomes addresses: DNS, or a fixed table in the tests. */
    @FunctionalInterface
    public interface Resolver {

        List<InetAddress> resolve(String host) throws UnknownHostException;

        Resolver DNS = host -> List.of(InetAddress.getAllByName(host));

    }

    /**
     * Why a target is refused: {@code code} is the API's problem code.
     */
    public record Refusal(String code, String detail) {
    }

    private final boolean localRun;

    private final Resolver resolver;

    public WebhookTargets(boolean localRun, Resolver resolver) {
        this.localRun = localRun;
        this.resolver = resolver;
    }

    /** Why the URL may not be called now, or empty when it may. */
    public Optional<Refusal> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        }
        catch (URISyntaxException e) {
            return refused("invalid_webhook_url", "url is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            return refused("invalid_webhook_url",
                    "url must be an absolute http(s) URL with a host, and no user info or fragment");
        }
        if (scheme.equals("http") && !localRun) {
            return refused("webhook_url_not_https", "url must use https");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        }
        catch (UnknownHostException e) {
            return refused("webhook_target_unresolvable", "the url's host " + host + " does not resolve");
        }
        if (addresses.isEmpty()) {
            return refused("webhook_target_unresolvable", "the url's host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            boolean allowed = localRun ? isPublic(address) || address.isLoopbackAddress() : isPublic(address);
            if (!allowed) {
                return refused("webhook_target_not_public", "the url's host " + host + " resolves to "
                        + address.getHostAddress() + ", which is not a public address");
            }
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refused(String code, String detail) {
        return Optional.of(new Refusal(code, detail));
    }

    /** Whether an address is on the public internet. */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms: judged as the IPv4
            // address they carry.
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                try {
                    return isPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                }
                catch (UnknownHostException e) {
                    return false;
                }
            }
            int first = b[0] & 0xff;
            // fc00::/7 unique local; 2001:db8::/32 documentation; 64:ff9b::/96 NAT64 is
            // left to the IPv4 rules of the gateway, so refused here.
            if ((first & 0xfe) == 0xfc || (first == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8)
                    || (first == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b)) {
                return false;
            }
            return true;
        }
        if (address instanceof Inet4Address) {
            int a = b[0] & 0xff;
            int c = b[1] & 0xff;
            // 0/8 this network, 100.64/10 carrier-grade NAT, 192.0.0/24 protocol
            // assignments, 198.18/15 benchmarking, 240/4 reserved and the broadcast
            // address; 169.254/16 (metadata at 169.254.169.254) is link-local, refused
            // above.
            return !(a == 0 || (a == 100 && c >= 64 && c < 128) || (a == 192 && c == 0 && (b[2] & 0xff) == 0)
                    || (a == 198 && (c == 18 || c == 19)) || a >= 240);
        }
        return false;
    }

}
