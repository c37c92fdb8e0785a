package dev.gemgate.application.resource;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server-side resources a batch names (its input file, and the files and context caches its inlined requests
 * reference) must be the caller's own: each is looked up in {@link TenantResources} under the caller's tenant, and one
 * it does not own is refused with Google's own answer for a missing one ({@link ResourceRefusals}) before anything
 * reaches the upstream. The batch is then pinned to the credential holding them (they live in that credential's
 * Google project); resources of two credentials cannot be used together. (The lead may fold this into a helper shared
 * with generateContent's references.)
 */
final class BatchReferences {
    /** {@code files/<id>}, or a URI ending in {@code /v1.../files/<id>} (Google's {@code uri} form). */
    private static final Pattern FILE_URI = Pattern.compile("(?:[a-z][a-z0-9+.-]*://[^/]+(?:/.*)?/v1[a-z0-9]*/)?"
            + "(files/[A-Za-z0-9_-]{1,128})");

    private final TenantResources resources;
    private final TenantId tenant;
    private Optional<UpstreamCredentialId> pin = Optional.empty();

    BatchReferences(TenantResources resources, TenantId tenant) {
        this.resources = resources;
        this.tenant = tenant;
    }

    /** The credential every named resource lives under; empty when the batch names none. */
    Optional<UpstreamCredentialId> pin() {
        return pin;
    }

    /** The caller's file named {@code name} (the batch's input file), else Google's refusal for a missing file. */
    TenantResource requireFile(String name) {
        if (!UpstreamResourceName.isValid(ResourceKind.FILE, name)) {
            throw ResourceRefusals.fileNotFound(name.startsWith("files/") ? name.substring(6) : name);
        }
        return use(new UpstreamResourceName(ResourceKind.FILE, name));
    }

    /** Checks the {@code fileData} parts and the {@code cachedContent} of one inlined request. */
    void checkRequest(Map<String, Object> request) {
        for (Object content : JsonTree.array(request, "contents").orElse(List.of())) {
            if (JsonTree.isObject(content)) {
                checkParts(JsonTree.asObject(content));
            }
        }
        JsonTree.object(request, "systemInstruction").ifPresent(this::checkParts);
        JsonTree.object(request, "content").ifPresent(this::checkParts); // an embedding request
        Optional<String> cache = JsonTree.string(request, "cachedContent");
        if (cache.isPresent()) {
            String name = cache.get();
            if (!UpstreamResourceName.isValid(ResourceKind.CACHED_CONTENT, name)) {
                throw ResourceRefusals.cachedContentNotFound();
            }
            use(new UpstreamResourceName(ResourceKind.CACHED_CONTENT, name));
        }
    }

    private void checkParts(Map<String, Object> content) {
        for (Object part : JsonTree.array(content, "parts").orElse(List.of())) {
            if (!JsonTree.isObject(part)) {
                continue;
            }
            Optional<String> uri = JsonTree.object(JsonTree.asObject(part), "fileData")
                    .flatMap(d -> JsonTree.string(d, "fileUri"));
            if (uri.isPresent()) {
                Matcher m = FILE_URI.matcher(uri.get());
                if (m.matches()) {
                    use(new UpstreamResourceName(ResourceKind.FILE, m.group(1)));
                }
            }
        }
    }

    private TenantResource use(UpstreamResourceName name) {
        TenantResource owned = resources.find(tenant, name).orElseThrow(() -> ResourceRefusals.notFound(name));
        if (pin.isPresent() && !pin.get().equals(owned.credential())) {
            throw new InvalidRequestException("The batch names " + name + ", which lives in another upstream project "
                    + "than the other files and caches it names; a batch can use resources of one project only.");
        }
        pin = Optional.of(owned.credential());
        return owned;
    }
}
