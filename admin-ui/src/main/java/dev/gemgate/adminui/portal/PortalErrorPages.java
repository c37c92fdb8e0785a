package dev.gemgate.adminui.portal;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.NotFoundException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Refusals of the portal's own resources as pages in the portal's layout, status unchanged: a viewer's forged post
 * (403, which the admin API's global mapper has audited and answered as a JSON problem), a missing tenant (404, a
 * resource's plain-text reason), a form post without its CSRF token (400, no body). Only responses of this package's
 * resources are touched, so the admin API keeps its problem details; a page the resource rendered itself (a form
 * re-rendered with the error next to its field) is left as it is.
 */
public class PortalErrorPages {
    private static final String PACKAGE = PortalErrorPages.class.getPackageName();
    static final MediaType HTML = MediaType.valueOf("text/html;charset=UTF-8");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(PortalPage page, int status, String reason);
    }

    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalErrorPages(SecurityIdentity identity, GatewayInfo gateway) {
        this.identity = identity;
        this.gateway = gateway;
    }

    /** A domain refusal of a portal resource, as its plain reason; {@link #asPage} then lays it out. */
    static Response plain(DomainException e) {
        int status = e instanceof NotFoundException ? 404 : e instanceof ConflictException ? 409 : 400;
        return Response.status(status).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
    }

    @ServerResponseFilter
    public void asPage(ContainerResponseContext response, SimpleResourceInfo resource) {
        int status = response.getStatus();
        if (status < 400 || status >= 500 || status == 401 || resource == null || resource.getResourceClass() == null
                || !resource.getResourceClass().getPackageName().equals(PACKAGE)
                || response.getEntity() instanceof TemplateInstance
                || HTML.isCompatible(response.getMediaType())) {
            return;
        }
        String reason = response.getEntity() instanceof String text && MediaType.TEXT_PLAIN_TYPE.isCompatible(
                response.getMediaType()) ? text : reason(status);
        PortalPage page = identity.isAnonymous() ? PortalPage.anonymous(title(status), gateway)
                : PortalPage.of(title(status), "", identity, gateway);
        response.setEntity(Templates.error(page, status, reason).render(), null, HTML);
    }

    private static String title(int status) {
        return switch (status) {
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            default -> "Request refused";
        };
    }

    private static String reason(int status) {
        return switch (status) {
            case 403 -> "Your role does not allow this action. Viewers can read every page but change nothing.";
            case 404 -> "There is nothing here: it may have been deleted, or the link is wrong.";
            case 400 -> "The form could not be accepted: its security token was missing or stale, or a value was "
                    + "malformed. Go back, reload the page and try again.";
            default -> "The request was refused.";
        };
    }
}
