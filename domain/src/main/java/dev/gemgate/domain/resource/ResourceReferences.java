package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.JsonTree;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server-side resources a generation request names: the Gemini files of its {@code fileData} parts (in
 * {@code contents} and {@code systemInstruction}) and its {@code cachedContent}. Each must be the caller's own before
 * the request may go upstream; the gateway checks them against {@link TenantResources}.
 *
 * <p>A {@code fileData.fileUri} names a Gemini file when it is a file's URI as Google gives it
 * ({@code https://generativelanguage.googleapis.com/v1beta/files/abc123}, any host and API version, since the host an
 * upstream names is not the tenant's to choose) or a bare name {@code files/abc123}. Other URIs (a YouTube video, a
 * public URL, {@code gs://} on Vertex AI) name nothing the gateway owns and pass as they are. A reference whose id is
 * not a possible id is refused at once ({@link ResourceRefusals}), exactly like one the caller does not own.
 */
public final class ResourceReferences {
    private static final Pattern FILE_URI = Pattern.compile("^(?:https?://[^/?#]+/v1[a-z0-9]*/|)files/([^/?#]*)$");

    private ResourceReferences() {
    }

    /** The resources {@code request} names, files first in the order they appear, then its cache; no repeats. */
    public static List<UpstreamResourceName> in(GenerationRequest request) {
        return in(request.body());
    }

    /**
     * The resources a request body names, read from its JSON: the {@code fileData} parts of {@code contents},
     * {@code systemInstruction} and {@code content} (an embedding request), then {@code cachedContent}; no repeats.
     * For bodies that are not (yet) a {@link GenerationRequest}: a batch's inlined requests.
     */
    public static List<UpstreamResourceName> in(Map<String, Object> body) {
        Set<UpstreamResourceName> names = new LinkedHashSet<>();
        for (Object content : JsonTree.array(body, "contents").orElse(List.of())) {
            if (JsonTree.isObject(content)) {
                files(JsonTree.asObject(content), names);
            }
        }
        JsonTree.object(body, "systemInstruction").ifPresent(c -> files(c, names));
        JsonTree.object(body, "content").ifPresent(c -> files(c, names));
        cachedContent(body).ifPresent(names::add);
        return List.copyOf(names);
    }

    /** The request's {@code cachedContent}, as a name (a bare id is taken as {@code cachedContents/<id>}). */
    public static Optional<UpstreamResourceName> cachedContent(GenerationRequest request) {
        return cachedContent(request.body());
    }

    private static Optional<UpstreamResourceName> cachedContent(Map<String, Object> body) {
        Object value = body.get("cachedContent");
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new InvalidRequestException("cachedContent must be the name of a cached content, "
                    + "cachedContents/<id>");
        }
        String name = text.startsWith(ResourceKind.CACHED_CONTENT.prefix()) ? text
                : ResourceKind.CACHED_CONTENT.prefix() + text;
        if (!UpstreamResourceName.isValid(ResourceKind.CACHED_CONTENT, name)) {
            throw ResourceRefusals.cachedContentNotFound();
        }
        return Optional.of(new UpstreamResourceName(ResourceKind.CACHED_CONTENT, name));
    }

    /**
     * A file a request names where only a file can be named (a batch's {@code inputConfig.fileName}): its name, or its
     * URI; anything else is refused as a missing file.
     */
    public static UpstreamResourceName requiredFile(String nameOrUri) {
        return file(nameOrUri).orElseThrow(() -> ResourceRefusals.fileNotFound(
                nameOrUri.startsWith(ResourceKind.FILE.prefix()) ? nameOrUri.substring(ResourceKind.FILE.prefix()
                        .length()) : nameOrUri));
    }

    /** The file {@code fileUri} names, if it names one. */
    public static Optional<UpstreamResourceName> file(String fileUri) {
        Matcher m = FILE_URI.matcher(fileUri);
        if (!m.matches()) {
            return Optional.empty();
        }
        String name = ResourceKind.FILE.prefix() + m.group(1);
        if (!UpstreamResourceName.isValid(ResourceKind.FILE, name)) {
            String id = m.group(1);
            throw ResourceRefusals.fileNotFound(id.length() > UpstreamResourceName.MAX_ID_LENGTH
                    ? id.substring(0, UpstreamResourceName.MAX_ID_LENGTH) : id);
        }
        return Optional.of(new UpstreamResourceName(ResourceKind.FILE, name));
    }

    private static void files(Map<String, Object> content, Set<UpstreamResourceName> names) {
        for (Object part : JsonTree.array(content, "parts").orElse(List.of())) {
            if (JsonTree.isObject(part)) {
                JsonTree.object(JsonTree.asObject(part), "fileData").flatMap(d -> JsonTree.string(d, "fileUri"))
                        .flatMap(ResourceReferences::file).ifPresent(names::add);
            }
        }
    }
}
