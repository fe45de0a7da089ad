package dev.walletpipeline.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 on one keep-alive connection to a service on this machine, with as little work
 * per request as a client can do: each request is bytes written at once, each answer is
 * read whole, its status and body kept. One per load thread; a connection the server
 * closes is opened again on the next request.
 *
 * <p>
 * Measured: {@code HttpClient} cost the load generator about a third of a millisecond of
 * CPU per request on the two cores it shares with the services it measures, so rows sent
 * with it measured the client as much as the pipeline. Every row of the benchmark sends
 * with this client.
 */
final class RawHttp implements Closeable {

    /** A response: its status, its body, and whether the server closes after it. */
    record Answer(int status, byte[] body, boolean closing) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

    }

    private final int port;

    private @Nullable Socket socket;

    private @Nullable OutputStream out;

    private @Nullable InputStream in;

    RawHttp(int port) {
        this.port = port;
    }

    /** A whole request, headers and body, ready to be written as it is. */
    static byte[] request(String method, int port, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(256).append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\nHost: localhost:")
            .append(port)
            .append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 || !method.equals("GET")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /**
     * Sends one request and reads its answer; opens the connection when there is none.
     */
    Answer exchange(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            Answer answer = read(in);
            if (answer.closing()) {
                close();
            }
            return answer;
        }
        catch (IOException broken) {
            close();
            throw broken;
        }
    }

    private void connect() throws IOException {
        Socket opened = new Socket();
        opened.setTcpNoDelay(true);
        opened.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        opened.setSoTimeout(30_000);
        socket = opened;
        out = opened.getOutputStream();
        in = new BufferedInputStream(opened.getInputStream(), 8192);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            }
            catch (IOException alreadyGone) {
                // nothing to release
            }
        }
        socket = null;
        out = null;
        in = null;
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = 0;
        boolean chunked = false;
        boolean closing = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            String name = colon > 0 ? header.substring(0, colon).trim() : "";
            String value = colon > 0 ? header.substring(colon + 1).trim().toLowerCase(Locale.ROOT) : "";
            if (name.equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(value);
            }
            else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.contains("chunked");
            }
            else if (name.equalsIgnoreCase("connection")) {
                closing = value.contains("close");
            }
        }
        if (!chunked) {
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("connection closed inside a body");
            }
            return new Answer(status, body, closing);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
            body.write(in.readNBytes(size));
            line(in);
        }
        line(in);
        return new Answer(status, body.toByteArray(), closing);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

}
