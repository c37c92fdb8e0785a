package dev.gemgate.adapter.persistence;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows in the text format of PostgreSQL's {@code COPY ... FROM STDIN}: fields separated by a tab, a row ended by a
 * newline, {@code \N} for null, and a backslash before a backslash, newline, carriage return or tab inside a value (the
 * only characters the format requires escaped; so no value can read as the end-of-data line {@code \.}). A timestamp is
 * written in ISO 8601 with its offset ({@code Z}), which {@code timestamptz} reads as the same instant.
 */
final class CopyText {
    private final StringBuilder text;
    private boolean rowStarted;

    CopyText(int expectedChars) {
        text = new StringBuilder(Math.max(16, expectedChars));
    }

    CopyText field(String value) {
        separate();
        if (value == null) {
            text.append("\\N");
            return this;
        }
        // runs of plain characters go in whole: most values (ids, names, timestamps) have nothing to escape
        int plainFrom = 0;
        for (int i = 0; i < value.length(); i++) {
            String escaped = switch (value.charAt(i)) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            if (escaped != null) {
                text.append(value, plainFrom, i).append(escaped);
                plainFrom = i + 1;
            }
        }
        text.append(value, plainFrom, value.length());
        return this;
    }

    CopyText field(Optional<?> value) {
        return value.isPresent() ? field(String.valueOf(value.get())) : field((String) null);
    }

    CopyText field(UUID value) {
        return field(value == null ? null : value.toString());
    }

    CopyText field(Instant value) {
        return field(value == null ? null : value.toString());
    }

    CopyText field(long value) {
        separate();
        text.append(value);
        return this;
    }

    CopyText endRow() {
        text.append('\n');
        rowStarted = false;
        return this;
    }

    /** The rows written so far, in UTF-8 (the client encoding of PostgreSQL's JDBC driver). */
    InputStream stream() {
        return new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private void separate() {
        if (rowStarted) {
            text.append('\t');
        }
        rowStarted = true;
    }
}
