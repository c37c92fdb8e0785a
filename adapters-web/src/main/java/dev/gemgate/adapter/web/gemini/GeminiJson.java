package dev.gemgate.adapter.web.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gemgate.domain.common.InvalidRequestException;

import java.io.IOException;
import java.util.Map;

/**
 * Reads request bodies into the plain Map/List tree the domain works on, and writes trees back. Strict: a body must be
 * one JSON object, with no duplicate keys and nothing after it.
 */
final class GeminiJson {
    private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {
    };
    /** Inline data arrives as one base64 string: allow strings as long as the largest body the server accepts. */
    private static final int MAX_STRING_LENGTH = 128 * 1024 * 1024;
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private GeminiJson() {
    }

    static Map<String, Object> readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("The request body is empty; it must be a JSON object.");
        }
        byte first = firstNonSpace(body);
        if (first != '{') {
            throw new InvalidRequestException("The request body must be a JSON object.");
        }
        try {
            return MAPPER.readValue(body, TREE);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidRequestException("Invalid JSON payload received. " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ".");
        } catch (IOException e) {
            throw new InvalidRequestException("The request body could not be read.");
        }
    }

    private static byte firstNonSpace(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
        }
        return 0;
    }

    static byte[] write(Object tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
