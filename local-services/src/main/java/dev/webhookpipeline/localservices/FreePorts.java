package dev.webhookpipeline.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Free loopback ports for child processes. All the ports asked for in one call are bound at the same
 * time before any is released, so they differ: two probes one after the other can be given the same
 * port (the broker once got {@code PLAINTEXT://:34827, CONTROLLER://:34827} and refused to start).
 * A port can still be taken by someone else before the child binds it; callers that can, retry.
 */
public final class FreePorts {

    private FreePorts() {}

    /** {@code count} distinct free ports, none of them in {@code avoid} (ports chosen but not bound yet). */
    public static int[] pick(int count, int... avoid) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                held.add(socket);
                int port = socket.getLocalPort();
                if (Arrays.stream(avoid).noneMatch(a -> a == port)) {
                    ports[found++] = port;
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port: " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket that never accepted: nothing to lose
                }
            }
        }
    }

    /** One free port that is not in {@code avoid}. */
    public static int one(int... avoid) {
        return pick(1, avoid)[0];
    }
}
