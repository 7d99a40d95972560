package dev.webhookpipeline.dispatcher.egress;

import org.apache.hc.core5.http.HttpException;

/** The endpoint policy refused the request's target (or it does not resolve): nothing was connected. */
public final class EndpointRefusedException extends HttpException {

    public EndpointRefusedException(String reason) {
        super(reason);
    }
}
