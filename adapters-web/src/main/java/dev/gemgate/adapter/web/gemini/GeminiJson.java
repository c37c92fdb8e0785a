package dev.gemgate.adapter.web.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;

/**
 * Reads tenant request bodies into the plain Map/List tree the domain works on, and writes trees back. Strict: a body
 * must be one UTF-8 JSON object, with no duplicate keys and nothing after it. Bounded: every limit below is one a
 * request Google accepts never reaches, and each refusal is a 400 naming the JSON path where it happened.
 *
 * <p>The tree is built here from Jackson's token stream rather than by data binding, to check each number where it
 * stands ({@code 1e400} is not Infinity, {@code 18446744073709551617} is not a {@code BigInteger} that a later read
 * truncates) and to keep the tree small (shared empty containers, single-entry objects as singleton maps, right-sized
 * maps and lists), so that the memory a body takes stays a measured multiple of its size (adapters-web README). The
 * tree is read-only, as the domain treats it: empty containers and single-entry objects cannot be changed.
 */
public final class GeminiJson {
    /**
     * JSON nesting depth, the top-level object included. Generous: a response schema or a function's arguments nest a
     * few dozen levels at most, and protobuf parsers (Google reads requests into protocol buffers) stop at 100 nested
     * messages by default, where free-form JSON (a Struct) spends two messages per JSON level.
     */
    static final int MAX_NESTING_DEPTH = 128;
    /**
     * Characters in one string: the base64 text of Google's largest inline data (100 MiB). Inline data over the
     * gateway's configured limit (at most Google's) therefore reaches the use case, which refuses it with its own
     * precise message. The HTTP body limit bounds every string more tightly still.
     */
    static final int MAX_STRING_LENGTH = base64Length(100L * 1024 * 1024);
    /**
     * Characters in one number literal. The shortest text of any double has at most 24; only a number meant to cost
     * the parser something needs more.
     */
    static final int MAX_NUMBER_LENGTH = 100;
    /** Characters in one field name (Jackson's default). */
    static final int MAX_NAME_LENGTH = 50_000;
    /**
     * JSON values in one body (objects, lists, strings, numbers, literals; names not counted). Bounds the tree however
     * dense the JSON: every value a model reads costs it at least a token, and the largest context is about a million
     * tokens (parts, the values that may cost none, are limited to 100,000 by the domain).
     */
    static final int MAX_VALUES = 2_000_000;

    // Jackson's default recycler pool is per thread: on virtual threads (one per request) it recycled nothing and every
    // parse allocated fresh buffers (16.8% of allocations in issue 21's profile 1); a shared pool recycles across threads
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder()
                    // depth is checked by the reader below (with the path) before Jackson's check would fire; the
                    // others only Jackson can check before the text is in memory, and the reader names which one
                    .maxNestingDepth(MAX_NESTING_DEPTH + 1)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // parses a double from the parser's buffer; the JDK's parser allocates a few objects per number
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // tenant-chosen names must not fill the JVM's string table; canonicalization still shares repeated names
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    private static final ObjectMapper WRITER = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();

    private GeminiJson() {
    }

    /**
     * A generateContent request for {@code model}: the tree, plus the body's text so that the upstream adapter can
     * forward it exactly as it came.
     */
    static GenerationRequest readGenerationRequest(ModelId model, byte[] body) {
        Map<String, Object> tree = readObject(body);
        return new GenerationRequest(model, tree, utf8Text(body));
    }

    /** An embedContent or batchEmbedContents request for {@code model}, with its text, as for generation. */
    static EmbeddingRequest readEmbeddingRequest(ModelId model, EmbeddingRequest.Method method, byte[] body) {
        Map<String, Object> tree = readObject(body);
        return new EmbeddingRequest(model, method, tree, Optional.of(utf8Text(body)));
    }

    /**
     * A tenant body as a JSON tree, by the rules above: shared with the OpenAI-compatible surface, whose bodies are
     * read by the same rules.
     */
    public static Map<String, Object> readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException("The request body is empty; it must be a JSON object.");
        }
        byte first = firstNonSpace(body);
        if (first != '{') {
            throw new InvalidRequestException("The request body must be a JSON object.");
        }
        if (body.length > 1 && body[1] == 0) {
            // Jackson would take "{\0" for UTF-16 or UTF-32; JSON on the wire is UTF-8 (RFC 8259)
            throw new InvalidRequestException("The request body must be JSON encoded as UTF-8.");
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            TreeReader reader = new TreeReader(parser);
            parser.nextToken();
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) reader.readValue();
            if (parser.nextToken() != null) {
                throw refused("Unexpected content after the JSON object", parser.currentLocation());
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw refused(e.getOriginalMessage(), e.getLocation());
        } catch (IOException e) {
            throw new InvalidRequestException("The request body could not be read.");
        }
    }

    /**
     * The body as text, exactly: valid UTF-8 decodes to a string that encodes back to the same bytes. Invalid UTF-8 is
     * refused rather than replaced, which would change what goes upstream.
     */
    static String utf8Text(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text; // the decoder replaces what it cannot read with U+FFFD: none, so nothing was replaced
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return text; // a U+FFFD the caller sent
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("The request body is not valid UTF-8.");
        }
    }

    private static InvalidRequestException refused(String reason, JsonLocation at) {
        return new InvalidRequestException("Invalid JSON payload received. " + reason
                + (at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                + ".");
    }

    private static byte firstNonSpace(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
        }
        return 0;
    }

    public static byte[] write(Object tree) {
        try {
            return WRITER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    static int base64Length(long bytes) {
        return Math.toIntExact((bytes + 2) / 3 * 4);
    }

    /** Builds the tree from the token stream, checking depth and numbers with the path of each value. */
    private static final class TreeReader {
        private final JsonParser parser;
        /** Per depth, the values of the container being read (reused, so each container is allocated at its size). */
        private final List<List<Object>> scratch = new ArrayList<>();
        private int values;

        TreeReader(JsonParser parser) {
            this.parser = parser;
        }

        /** Reads the object whose START_OBJECT is the current token. */
        private Map<String, Object> readObject() throws IOException {
            int depth = enter();
            List<Object> entries = scratch(depth);
            JsonToken token;
            while ((token = nextName()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                nextValue();
                entries.add(name);
                entries.add(readValue());
            }
            expectEnd(token, JsonToken.END_OBJECT);
            int size = entries.size() / 2;
            if (size == 0) {
                return Map.of();
            }
            if (size == 1) {
                // a quarter of a LinkedHashMap's size, and the commonest object in a request ({"text": ...} parts)
                Map<String, Object> single = Collections.singletonMap((String) entries.get(0), entries.get(1));
                entries.clear();
                return single;
            }
            Map<String, Object> object = LinkedHashMap.newLinkedHashMap(size);
            for (int i = 0; i < entries.size(); i += 2) {
                object.put((String) entries.get(i), entries.get(i + 1));
            }
            entries.clear();
            return object;
        }

        private List<Object> readArray() throws IOException {
            int depth = enter();
            List<Object> values = scratch(depth);
            JsonToken token;
            while ((token = nextValue()) != JsonToken.END_ARRAY && token != null) {
                values.add(readValue());
            }
            expectEnd(token, JsonToken.END_ARRAY);
            if (values.isEmpty()) {
                return List.of();
            }
            List<Object> array = new ArrayList<>(values);
            values.clear();
            return array;
        }

        /** Reads the value whose first token is the current one. */
        Object readValue() throws IOException {
            JsonToken token = parser.currentToken();
            if (++values > MAX_VALUES) {
                JsonStreamContext context = parser.getParsingContext();
                throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                        "Invalid JSON payload received. The request has more than " + MAX_VALUES + " JSON values (the"
                                + " limit was passed at " + path(token.isStructStart() ? context.getParent() : context)
                                + ").");
            }
            return switch (token) {
                case START_OBJECT -> readObject();
                case START_ARRAY -> readArray();
                case VALUE_STRING -> readString();
                case VALUE_NUMBER_INT -> readInteger();
                case VALUE_NUMBER_FLOAT -> readFloat();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> throw refused("Unexpected " + token, parser.currentLocation());
            };
        }

        /**
         * The next field name (or the end of the object). Jackson checks a name's length as it reads it, and reads a
         * number value right after its name, checking its length too: the name it has recorded tells which failed.
         */
        private JsonToken nextName() throws IOException {
            String previous = parser.getParsingContext().getCurrentName();
            try {
                return parser.nextToken();
            } catch (StreamConstraintsException e) {
                JsonStreamContext object = parser.getParsingContext();
                if (!Objects.equals(previous, object.getCurrentName())) {
                    throw numberTooLong(object);
                }
                throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                        "Invalid JSON payload received. A field name in " + path(object.getParent())
                                + " is longer than " + MAX_NAME_LENGTH + " characters.");
            }
        }

        /**
         * The next value's first token. Jackson reads a number in a list whole here and checks its length (strings
         * are read later, by {@link #readString}; nesting is checked by {@link #enter} before Jackson's own check).
         */
        private JsonToken nextValue() throws IOException {
            try {
                return parser.nextToken();
            } catch (StreamConstraintsException e) {
                throw numberTooLong(parser.getParsingContext());
            }
        }

        private static InvalidRequestException numberTooLong(JsonStreamContext container) {
            return new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                    "Invalid JSON payload received. The number at " + path(container) + " is longer than "
                            + MAX_NUMBER_LENGTH + " characters.");
        }

        private String readString() throws IOException {
            try {
                return parser.getText();
            } catch (StreamConstraintsException e) {
                throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                        "Invalid JSON payload received. The string at " + path(parser.getParsingContext())
                                + " is longer than " + MAX_STRING_LENGTH + " characters.");
            }
        }

        private Object readInteger() throws IOException {
            return switch (parser.getNumberType()) {
                case INT -> parser.getIntValue();
                case LONG -> parser.getLongValue();
                default -> throw outOfRange("an integer beyond the 64-bit range");
            };
        }

        private Object readFloat() throws IOException {
            double value = parser.getDoubleValue();
            if (Double.isInfinite(value)) {
                throw outOfRange("a number beyond the range of a double");
            }
            return value;
        }

        private InvalidRequestException outOfRange(String what) throws IOException {
            return new InvalidRequestException("Invalid JSON payload received. " + parser.getText() + " at "
                    + path(parser.getParsingContext()) + " is " + what + ".");
        }

        /** Checks the depth of the container just started (its context is the parser's current one). */
        private int enter() {
            JsonStreamContext context = parser.getParsingContext();
            int depth = context.getNestingDepth();
            if (depth > MAX_NESTING_DEPTH) {
                throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                        "Invalid JSON payload received. The JSON at " + path(context.getParent())
                                + " is nested more than " + MAX_NESTING_DEPTH + " levels deep.");
            }
            return depth;
        }

        private List<Object> scratch(int depth) {
            while (scratch.size() < depth) {
                scratch.add(new ArrayList<>());
            }
            return scratch.get(depth - 1);
        }

        private void expectEnd(JsonToken token, JsonToken end) {
            if (token != end) {
                throw refused("Unexpected end of input", parser.currentLocation());
            }
        }
    }

    /**
     * Where a value is, written as Gemini writes field paths ({@code contents[0].parts[1].inlineData.data}): the chain
     * of field names and list indexes of {@code context} (the container holding the value) and its parents.
     */
    static String path(JsonStreamContext context) {
        List<String> segments = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                segments.add("." + c.getCurrentName());
            }
        }
        if (segments.isEmpty()) {
            return "the top level";
        }
        StringBuilder path = new StringBuilder();
        for (int i = segments.size() - 1; i >= 0; i--) {
            path.append(segments.get(i));
        }
        return path.charAt(0) == '.' ? path.substring(1) : path.toString();
    }
}
