package dev.gemgate.app.tracing;

import io.quarkus.virtual.threads.VirtualThreads;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.concurrent.ExecutorService;

/**
 * A test-only endpoint that logs one line the way the tenant surface runs its use cases (TenantRequests: a Uni
 * subscribed on Quarkus's virtual-thread executor, with ids put in the MDC), so that a test can read the log
 * context a tenant request's lines carry.
 */
@Path("/test-only/log-context")
public class LogContextProbe {
    static final String CATEGORY = "dev.gemgate.test.log-context";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    @Inject
    @VirtualThreads
    ExecutorService virtualThreads;

    @GET
    public Uni<String> log() {
        return Uni.createFrom().item(() -> {
            MDC.put("requestId", "probe-request");
            try {
                LOG.info("a line of a request");
                return "logged";
            } finally {
                MDC.remove("requestId");
            }
        }).runSubscriptionOn(virtualThreads);
    }
}
