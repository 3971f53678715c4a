package io.streamrl.kafka;

import java.net.BindException;

/**
 * Words a listening socket that could not be opened so that the user can fix it: the option and
 * its port, and whether the port is taken or needs privileges. The {@link BindException} stays
 * the root of the cause chain; the command line recognises a user-fixable failure by it and
 * prints only this message.
 */
public final class ListenFailure {

    private ListenFailure() {
    }

    /**
     * @param option the command-line option that chose the port, e.g. {@code --metrics-port}
     * @param failure what the server threw; Jetty and the JDK wrap the {@link BindException}
     * @return an exception with a one-line message and {@code failure} as its cause
     */
    public static IllegalStateException of(String option, String host, int port, Throwable failure) {
        return new IllegalStateException(message(option, host, port, bindException(failure)), failure);
    }

    static String message(String option, String host, int port, BindException bind) {
        String reason = bind == null ? null : bind.getMessage();
        if (reason != null && reason.contains("in use")) {
            return option + " " + port + " is already in use on " + host
                    + "; stop what uses it or choose another port (0 picks a free one)";
        }
        if (reason != null && reason.contains("Permission denied")) {
            return option + " " + port + " is not permitted on " + host + " (ports below 1024 need root or"
                    + " CAP_NET_BIND_SERVICE); choose a port from 1024 up (0 picks a free one)";
        }
        return option + " " + port + ": cannot listen on " + host + ":" + port + " (" + reason
                + "); check the address and the port (0 picks a free one)";
    }

    /** The {@link BindException} in {@code failure}'s cause chain, or null. */
    public static BindException bindException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }
}
