package dev.gemgate.adapter.gemini;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A reply's tree, parsed from its text ({@link JsonBodies#parseObject}) only when it is first read. On the
 * Gemini-native surface a generateContent reply is forwarded as its text, and its usage and finish reason are read
 * without a tree ({@link JsonBodies#readReply}): the tree is then never built. Issue 21's CPU-time profile had that
 * parse at about 3% of Gemgate's CPU under load. Read-only, and safe to share: a cached answer is read by many
 * requests, and the first read parses once for all of them.
 */
final class LazyJsonObject extends AbstractMap<String, Object> {
    private final String text;
    private final JsonBodies json;
    private volatile Map<String, Object> tree;

    /** @param text a JSON object's text, already read by {@link JsonBodies#readReply} */
    LazyJsonObject(String text, JsonBodies json) {
        this.text = text;
        this.json = json;
    }

    /** Whether the tree has been built (for tests). */
    boolean parsed() {
        return tree != null;
    }

    private Map<String, Object> tree() {
        Map<String, Object> parsed = tree;
        if (parsed == null) {
            synchronized (this) { // no I/O inside: a parse of text in memory
                parsed = tree;
                if (parsed == null) {
                    parsed = json.parseObject(text);
                    tree = parsed;
                }
            }
        }
        return parsed;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return tree().entrySet();
    }

    @Override
    public Object get(Object key) {
        return tree().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return tree().containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return tree().containsValue(value);
    }

    @Override
    public int size() {
        return tree().size();
    }

    @Override
    public boolean isEmpty() {
        return tree().isEmpty();
    }

    @Override
    public Set<String> keySet() {
        return tree().keySet();
    }

    @Override
    public Collection<Object> values() {
        return tree().values();
    }

    @Override
    public boolean equals(Object other) {
        return other == this || tree().equals(other);
    }

    @Override
    public int hashCode() {
        return tree().hashCode();
    }

    @Override
    public String toString() {
        return tree().toString();
    }
}
