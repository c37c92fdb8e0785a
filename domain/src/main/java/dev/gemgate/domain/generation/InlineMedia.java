package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.InvalidRequestException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the gateway learned from an inline part's bytes: that they are what the part declares, and what the token
 * estimate needs (an image's size, a recording's duration, a PDF's pages, a text document's tokens). Inspection
 * decodes a few header bytes per binary part; only PDFs (page count) and text documents (UTF-8 check) are read whole.
 *
 * @param path      where the part sits, e.g. {@code contents[0].parts[1]}
 * @param type      the declared type, checked against the bytes
 * @param format    what the bytes are ({@link SniffedFormat#UNKNOWN} for text documents, which have no signature)
 * @param bytes     decoded size
 * @param options   the part's own mediaResolution and videoMetadata.fps
 * @param imageSize an image's size, when its header gives it
 * @param seconds   an audio or video file's duration, when a cheap header gives it
 * @param pages     a PDF's page count, when its page objects can be counted
 * @param textTokens a text document's tokens, by {@link TokenEstimator#countText}
 */
public record InlineMedia(String path, MediaType type, SniffedFormat format, long bytes, MediaOptions options,
                          Optional<ImageSize> imageSize, OptionalDouble seconds, OptionalLong pages,
                          OptionalLong textTokens) {

    /** Decoded bytes per step of the UTF-8 check of a text document. */
    private static final int TEXT_CHUNK = 48 * 1024;

    /**
     * Inspects one inline part. Refuses (400, naming the part) a declared type Gemini does not take inline, bytes that
     * are not what the part declares, and base64 that does not decode.
     */
    public static InlineMedia inspect(InlinePart part) {
        Part.InlineData data = part.data();
        String field = part.path() + ".inlineData";
        String declared = MediaType.essence(data.mimeType());
        MediaType type = MediaType.forDeclared(declared).orElseThrow(() -> InvalidRequestException.forField(
                InvalidRequestException.Reason.UNSUPPORTED, field + ".mimeType", declared + " is not a type Gemini"
                        + " accepts as inline data (" + MediaType.ACCEPTED + ")"));
        Base64Bytes bytes = new Base64Bytes(data.base64());
        try {
            if (type == MediaType.TEXT) {
                OptionalLong tokens = textTokens(bytes);
                if (tokens.isEmpty()) {
                    throw InvalidRequestException.forField(field, "declared " + declared + " but the data is not UTF-8"
                            + " text" + looksLike(MediaSniffer.sniff(bytes)));
                }
                return new InlineMedia(part.path(), type, SniffedFormat.UNKNOWN, bytes.size(), data.options(),
                        Optional.empty(), OptionalDouble.empty(), OptionalLong.empty(), tokens);
            }
            SniffedFormat format = MediaSniffer.sniff(bytes);
            if (!type.admits(format)) {
                throw InvalidRequestException.forField(field, "declared " + declared + " but the data is not "
                        + type.description() + looksLike(format));
            }
            return switch (type.modality()) {
                case IMAGE -> new InlineMedia(part.path(), type, format, bytes.size(), data.options(),
                        MediaProbe.imageSize(bytes, format), OptionalDouble.empty(), OptionalLong.empty(),
                        OptionalLong.empty());
                case AUDIO, VIDEO -> new InlineMedia(part.path(), type, format, bytes.size(), data.options(),
                        Optional.empty(), MediaProbe.seconds(bytes, format), OptionalLong.empty(), OptionalLong.empty());
                case DOCUMENT -> new InlineMedia(part.path(), type, format, bytes.size(), data.options(),
                        Optional.empty(), OptionalDouble.empty(), PdfPages.count(bytes), OptionalLong.empty());
                case TEXT -> throw new IllegalStateException("text documents are handled above");
            };
        } catch (IllegalArgumentException undecodable) {
            throw InvalidRequestException.forField(field + ".data", "is not valid base64");
        }
    }

    private static String looksLike(SniffedFormat format) {
        return format.looksLike() == null ? " (its first bytes match no known format)"
                : " (looks like " + format.looksLike() + ")";
    }

    /** Tokens of the text when all of it is UTF-8 (a byte-order mark allowed); empty when it is not. */
    private static OptionalLong textTokens(Base64Bytes bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(TEXT_CHUNK + 8);
        CharBuffer out = CharBuffer.allocate(TEXT_CHUNK + 8);
        long tokens = 0;
        long offset = 0;
        in.flip();
        while (true) {
            boolean end = offset >= bytes.size();
            if (!end) {
                byte[] piece = bytes.read(offset, TEXT_CHUNK);
                offset += piece.length;
                in.compact().put(piece).flip();
            }
            CoderResult result = utf8.decode(in, out, end);
            if (result.isError()) {
                return OptionalLong.empty();
            }
            if (end) {
                result = utf8.flush(out);
                if (result.isError()) {
                    return OptionalLong.empty();
                }
            }
            out.flip();
            tokens += TokenEstimator.countText(out);
            out.clear();
            if (end) {
                return in.hasRemaining() ? OptionalLong.empty() : OptionalLong.of(tokens);
            }
        }
    }
}
