package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The elements of one top-level array of a JSON object, each as the exact text it has in the document (a streaming
 * parse that records where each element starts and ends, no tree): splitting a batchEmbedContents answer into each
 * caller's vectors, and a tenant's batch into its requests, without rewriting a number.
 */
final class JsonSlices {
    private static final JsonFactory FACTORY = JsonBodies.FACTORY;

    private JsonSlices() {
    }

    /**
     * The elements of {@code field}'s array in the object {@code json}, in order; empty if {@code json} is not a JSON
     * object, or {@code field} is missing or not an array. When the field appears twice the last one counts (as
     * Jackson's tree does).
     */
    static Optional<List<String>> arrayElements(String json, String field) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            List<String> found = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field) && value == JsonToken.START_ARRAY) {
                    found = elements(parser, json);
                } else {
                    if (name.equals(field)) {
                        found = null;
                    }
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.ofNullable(found);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The parser stands on START_ARRAY; leaves it on the matching END_ARRAY. */
    private static List<String> elements(JsonParser parser, String json) throws IOException {
        List<String> elements = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unterminated array");
            }
            int start = (int) parser.currentTokenLocation().getCharOffset();
            int end;
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                parser.skipChildren();
                end = (int) parser.currentTokenLocation().getCharOffset() + 1;
            } else {
                parser.getText(); // a string is read lazily: finish it before asking where it ends
                end = (int) parser.currentLocation().getCharOffset();
            }
            elements.add(json.substring(start, end));
        }
        return elements;
    }
}
