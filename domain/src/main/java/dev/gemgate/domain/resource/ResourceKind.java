package dev.gemgate.domain.resource;

/**
 * The kinds of Gemini server-side resources a tenant can create through Gemgate, each with the prefix Google gives its
 * names ({@code files/abc123}, {@code cachedContents/x}, {@code batches/y}).
 */
public enum ResourceKind {
    FILE("files/"),
    CACHED_CONTENT("cachedContents/"),
    BATCH("batches/");

    private final String prefix;

    ResourceKind(String prefix) {
        this.prefix = prefix;
    }

    /** The collection prefix of this kind's names, with its slash, e.g. {@code files/}. */
    public String prefix() {
        return prefix;
    }
}
