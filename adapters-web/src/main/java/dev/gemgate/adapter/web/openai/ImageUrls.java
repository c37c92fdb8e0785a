package dev.gemgate.adapter.web.openai;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@code image_url} becomes in a Gemini request. A {@code data:} URL (base64) is inline data. A remote URL is
 * refused unless it starts with an entry of the configured allow-list ({@code gemgate.openai.image-url-allow-list}):
 * fetching an address a caller chose is server-side request forgery. An allowed URL is not fetched by the gateway
 * either: it goes to Gemini as {@code fileData.fileUri} with the MIME type its extension names (a URL without a known
 * image or PDF extension is refused, since Gemini needs the type).
 */
public final class ImageUrls {
    private static final Map<String, String> TYPES_BY_EXTENSION = Map.of(
            "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "webp", "image/webp",
            "heic", "image/heic", "heif", "image/heif", "pdf", "application/pdf");

    private final List<URI> allowed;

    /** The allow-list configured in {@code gemgate.openai.image-url-allow-list} (none: no remote images). */
    static ImageUrls of(OpenAiSettings settings) {
        return new ImageUrls(settings.imageUrlAllowList().orElse(List.of()));
    }

    public ImageUrls(List<String> allowList) {
        List<URI> parsed = new ArrayList<>();
        for (String entry : allowList) {
            URI uri = URI.create(entry.strip());
            if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null) {
                throw new IllegalArgumentException("gemgate.openai.image-url-allow-list: " + entry
                        + " is not an absolute URL with a host");
            }
            parsed.add(uri);
        }
        this.allowed = List.copyOf(parsed);
    }

    /** The Gemini part for {@code url}; {@code param} names it in a refusal. */
    public Map<String, Object> part(String url, String param) {
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            return dataUrl(url, param);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw OpenAiRequestException.invalid(param, "Invalid image URL: it is neither a data URL nor a valid URL.");
        }
        if (!isAllowed(uri)) {
            throw OpenAiRequestException.invalid(param, "Remote image URLs are not accepted by this gateway unless its"
                    + " operator allowed them (gemgate.openai.image-url-allow-list); send the image as a base64 data URL"
                    + " (data:image/png;base64,...).", "image_url_not_allowed");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        int dot = path.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES_BY_EXTENSION.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw OpenAiRequestException.invalid(param, "The image URL's type is unknown: its path must end with .png,"
                    + " .jpg, .jpeg, .webp, .heic, .heif or .pdf.", "unsupported_value");
        }
        return Map.of("fileData", Map.of("mimeType", type, "fileUri", url));
    }

    private boolean isAllowed(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null) {
            return false;
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        for (URI entry : allowed) {
            String prefix = entry.getPath() == null ? "" : entry.getPath();
            if (entry.getScheme().equalsIgnoreCase(uri.getScheme()) && entry.getHost().equalsIgnoreCase(uri.getHost())
                    && entry.getPort() == uri.getPort() && path.startsWith(prefix)
                    && !path.contains("/../") && !path.endsWith("/..")) {
                return true;
            }
        }
        return false;
    }

    /** {@code data:<type>;base64,<data>}: inline data (the use case checks the type and the bytes). */
    private static Map<String, Object> dataUrl(String url, String param) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring(5, comma);
        Optional<String> type = header.toLowerCase(Locale.ROOT).endsWith(";base64")
                ? Optional.of(header.substring(0, header.length() - ";base64".length())).filter(t -> !t.isBlank())
                : Optional.empty();
        if (comma < 0 || type.isEmpty()) {
            throw OpenAiRequestException.invalid(param, "Invalid data URL: expected data:<mime type>;base64,<data>.");
        }
        return Map.of("inlineData", Map.of("mimeType", type.get().toLowerCase(Locale.ROOT),
                "data", url.substring(comma + 1)));
    }
}
