package dev.gemgate.domain.resource;

import java.util.List;
import java.util.Optional;

/**
 * One page of a tenant's resources of one kind, newest first; {@code nextPageToken} (the encoded
 * {@link ResourcePageToken} of the last one) is absent on the last page, as Gemini omits it.
 */
public record ResourcePage(List<TenantResource> resources, Optional<String> nextPageToken) {
    public ResourcePage {
        if (resources == null || nextPageToken == null) {
            throw new IllegalArgumentException("page fields are required");
        }
        resources = List.copyOf(resources);
    }
}
