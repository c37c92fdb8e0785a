package dev.gemgate.domain.resource;

import java.util.regex.Pattern;

/**
 * A resource's name as Google gives it, e.g. {@code files/abc123}: the kind's prefix and an id of 1 to 128 letters,
 * digits, '-' or '_' (Google's own ids are lowercase letters and digits, at most 40 characters for files; a caller may
 * choose a file's id). Anything else (a second slash, dots, spaces) is refused, so a name can never be a path trick.
 */
public record UpstreamResourceName(ResourceKind kind, String value) {
    public static final int MAX_ID_LENGTH = 128;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_ID_LENGTH + "}");

    public UpstreamResourceName {
        if (kind == null || value == null) {
            throw new IllegalArgumentException("a resource name has a kind and a value");
        }
        if (!value.startsWith(kind.prefix()) || !ID.matcher(value.substring(kind.prefix().length())).matches()) {
            throw new IllegalArgumentException("not a " + kind + " name (" + kind.prefix() + "<id>, the id 1 to "
                    + MAX_ID_LENGTH + " letters, digits, '-' or '_')");
        }
    }

    /** {@code files/abc} from kind FILE and {@code abc}. */
    public static UpstreamResourceName of(ResourceKind kind, String id) {
        return new UpstreamResourceName(kind, kind.prefix() + id);
    }

    /** True when {@code value} is a well-formed name of {@code kind}. */
    public static boolean isValid(ResourceKind kind, String value) {
        return kind != null && value != null && value.startsWith(kind.prefix())
                && ID.matcher(value.substring(kind.prefix().length())).matches();
    }

    /** The id after the prefix, e.g. {@code abc123}. */
    public String id() {
        return value.substring(kind.prefix().length());
    }

    @Override
    public String toString() {
        return value;
    }
}
