package dev.gemgate.adminui;

import dev.gemgate.application.status.GatewayInfo;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The public landing page: only what is safe to show anyone (which upstream this gateway calls, with a banner when it
 * is the emulator, and where the operational endpoints are), and a link to the admin portal behind sign-in.
 */
@Path("/admin")
public class AdminHome {
    private final GatewayInfo info;

    public AdminHome(GatewayInfo info) {
        this.info = info;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home(GatewayInfo info);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance home() {
        return Templates.home(info);
    }
}
