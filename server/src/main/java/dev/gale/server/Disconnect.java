package dev.gale.server;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells whether the client of a request in progress has gone away. Over HTTP/1.1 a server hears of it only by
 * reading, and Jetty does not read while a request is being handled, so the watch registers the connection's
 * socket with a selector of its own: once the request is read, the socket becomes readable only when the client
 * closes it (or, rarely, pipelines its next request). A read of -1 then means gone; a byte read means a pipelined
 * request, of which a byte has been taken, so the response closes the connection and the client resends it, as
 * RFC 9112 section 9.3.2 has pipelining clients do.
 */
final class Disconnect implements AutoCloseable {

    /** One selector thread watching every request in progress. */
    static final class Watcher implements AutoCloseable {
        private final Selector selector;
        private final Thread thread;
        private volatile boolean closed;

        Watcher() {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            thread = Thread.ofPlatform().name("gale-serve-disconnects").daemon().start(this::loop);
        }

        Disconnect watch(Context ctx) {
            Disconnect d = new Disconnect();
            Request request;
            try {
                request = ServletContextRequest.getServletContextRequest(ctx.req());
            } catch (IllegalStateException e) {
                return d;
            }
            request.addFailureListener(failure -> d.gone.set(true));
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            if (endPoint instanceof SocketChannelEndPoint s && s.getChannel() instanceof SocketChannel channel) {
                try {
                    // one key per connection, kept across its requests (a cancelled key could not be registered again
                    // until this selector's next select): attached to the request in progress, interested only then
                    SelectionKey key = channel.keyFor(selector);
                    if (key == null) {
                        key = channel.register(selector, SelectionKey.OP_READ, d);
                    } else {
                        key.attach(d);
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    d.key = key;
                    selector.wakeup();
                } catch (ClosedChannelException | java.nio.channels.CancelledKeyException e) {
                    d.gone.set(true);
                } catch (IllegalArgumentException | java.nio.channels.IllegalBlockingModeException | java.nio.channels.ClosedSelectorException e) {
                    // not a channel this watch can select on: no detection for this request
                }
            }
            return d;
        }

        private void loop() {
            ByteBuffer one = ByteBuffer.allocate(1);
            while (!closed) {
                java.util.Iterator<SelectionKey> it;
                try {
                    selector.select(1000);
                    it = selector.selectedKeys().iterator();
                } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                    return;   // closed while selecting: the server is stopping
                }
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!(key.attachment() instanceof Disconnect d)) {
                        continue;
                    }
                    synchronized (d) {
                        if (d.done || !key.isValid()) {
                            continue;   // answered meanwhile: the bytes are Jetty's again
                        }
                        one.clear();
                        try {
                            int n = ((SocketChannel) key.channel()).read(one);
                            if (n < 0) {
                                d.gone.set(true);
                            } else if (n > 0) {
                                d.pipelined.set(true);
                            }
                            if (n != 0) {
                                key.interestOps(0);
                            }
                        } catch (IOException | java.nio.channels.CancelledKeyException e) {
                            d.gone.set(true);   // reset by the peer, or closed
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing: nothing left to watch
            }
            thread.interrupt();
        }
    }

    private final AtomicBoolean gone = new AtomicBoolean();
    private final AtomicBoolean pipelined = new AtomicBoolean();
    private volatile SelectionKey key;
    private boolean done;   // guarded by this

    private Disconnect() {}

    /** The client closed the connection (or reset it). */
    boolean happened() {
        return gone.get();
    }

    /** A byte of the client's next request was read here: the response must close the connection. */
    boolean mustClose() {
        return pipelined.get();
    }

    /** Stops watching: the request is answered, and Jetty reads the connection again. */
    @Override
    public void close() {
        SelectionKey k = key;
        synchronized (this) {
            done = true;
            if (k != null && k.isValid()) {
                try {
                    k.interestOps(0);
                    k.attach(null);
                } catch (java.nio.channels.CancelledKeyException e) {
                    // the connection closed meanwhile
                }
            }
        }
    }
}
