package dev.walletpipeline.localstack;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * One stand-in as a process of its own, for the containers of compose's {@code sandbox}
 * profile: {@code paystack} or {@code google}, listening on every interface. Settings
 * from the environment: {@code STAND_IN_PORT}, {@code STAND_IN_URL} (how the services
 * reach it), {@code STAND_IN_PUBLIC_URL} (how a browser does); for Paystack also
 * {@code PAYSTACK_SECRET_KEY} and {@code PAYSTACK_WEBHOOK_URL} (webhook-ingest's
 * endpoint).
 */
public final class StandInServer {

    private StandInServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !(args[0].equals("paystack") || args[0].equals("google"))) {
            System.err.println("usage: StandInServer paystack|google");
            System.exit(2);
        }
        HttpStandIn.Exposure exposure = new HttpStandIn.Exposure("0.0.0.0", Integer.parseInt(setting("STAND_IN_PORT")),
                setting("STAND_IN_URL"), setting("STAND_IN_PUBLIC_URL"));
        HttpStandIn server;
        if (args[0].equals("paystack")) {
            PaystackStandIn paystack = PaystackStandIn.start(exposure, setting("PAYSTACK_SECRET_KEY"),
                    Duration.ofMinutes(3));
            paystack.webhookUrl(setting("PAYSTACK_WEBHOOK_URL"));
            server = paystack;
        }
        else {
            server = OidcStandIn.start(exposure);
        }
        System.out
            .println(args[0] + " stand-in serving " + server.baseUrl() + " (browsers: " + server.publicUrl() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static String setting(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println(name + " must be set");
            System.exit(2);
        }
        return value;
    }

}
