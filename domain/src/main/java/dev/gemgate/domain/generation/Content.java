package dev.gemgate.domain.generation;

import java.util.List;
import java.util.Optional;

/** A typed view of one turn of a conversation. */
public record Content(Optional<String> role, List<Part> parts) {
    public Content {
        parts = List.copyOf(parts);
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Part.Text t) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
