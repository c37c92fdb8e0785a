package dev.gemgate.domain.generation;

/** An inline part and where it sits in the request, e.g. {@code contents[0].parts[1]}, for precise refusals. */
public record InlinePart(String path, Part.InlineData data) {
    public InlinePart {
        if (path == null || data == null) {
            throw new IllegalArgumentException("path and data are required");
        }
    }
}
