package dev.gemgate.domain.generation;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.fakes.MediaSamples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.gemgate.domain.fakes.MediaSamples.base64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InlineMediaTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");

    /** A request whose first content holds a text part, then an inline part of this type and these bytes. */
    private static GenerationRequest request(String mimeType, byte[] data) {
        return new GenerationRequest(FLASH, Map.of("contents", List.of(Map.of("parts", List.of(
                Map.of("text", "Describe"),
                Map.of("inlineData", Map.of("mimeType", mimeType, "data", base64(data))))))));
    }

    private static InlineMedia inspect(String mimeType, byte[] data) {
        return request(mimeType, data).inlineMedia().getFirst();
    }

    static Stream<Arguments> everyTypeGeminiTakes() {
        return Stream.of(
                Arguments.of("image/png", MediaSamples.png(1, 1), SniffedFormat.PNG),
                Arguments.of("image/jpeg", MediaSamples.jpeg(1, 1), SniffedFormat.JPEG),
                Arguments.of("image/webp", MediaSamples.webpLossless(1, 1), SniffedFormat.WEBP),
                Arguments.of("image/heic", MediaSamples.heic(64, 64), SniffedFormat.HEIC),
                Arguments.of("image/heif", MediaSamples.heif("mif1", "mif1miaf", new long[]{64, 64}),
                        SniffedFormat.HEIF),
                Arguments.of("image/heif", MediaSamples.heic(64, 64), SniffedFormat.HEIC),
                Arguments.of("application/pdf", MediaSamples.pdf(1), SniffedFormat.PDF),
                Arguments.of("audio/wav", MediaSamples.wav(0.1, 8000, 1, 16), SniffedFormat.WAV),
                Arguments.of("audio/x-wav", MediaSamples.wav(0.1, 8000, 1, 16), SniffedFormat.WAV),
                Arguments.of("audio/mp3", MediaSamples.mp3(1), SniffedFormat.MP3),
                Arguments.of("audio/mpeg", MediaSamples.mp3(1), SniffedFormat.MP3),
                Arguments.of("audio/aiff", MediaSamples.aiff(1, 8000), SniffedFormat.AIFF),
                Arguments.of("audio/aac", MediaSamples.adts(4, 300), SniffedFormat.AAC),
                Arguments.of("audio/aac", MediaSamples.isoMedia("M4A ", 3, true, 64), SniffedFormat.M4A),
                Arguments.of("audio/ogg", MediaSamples.oggVorbis(2, 44_100), SniffedFormat.OGG),
                Arguments.of("audio/flac", MediaSamples.flac(2, 44_100), SniffedFormat.FLAC),
                Arguments.of("video/mp4", MediaSamples.mp4(2), SniffedFormat.MP4),
                Arguments.of("video/mov", MediaSamples.isoMedia("qt  ", 2, true, 64), SniffedFormat.MOV),
                Arguments.of("video/quicktime", MediaSamples.box("moov", new byte[16]), SniffedFormat.MOV),
                Arguments.of("video/3gpp", MediaSamples.isoMedia("3gp5", 2, true, 64), SniffedFormat.THREE_GPP),
                Arguments.of("video/mpeg", MediaSamples.mpegProgramStream(), SniffedFormat.MPEG),
                Arguments.of("video/mpg", MediaSamples.mpegTransportStream(), SniffedFormat.MPEG),
                Arguments.of("video/avi", MediaSamples.avi(10, 25), SniffedFormat.AVI),
                Arguments.of("video/x-flv", MediaSamples.flv(), SniffedFormat.FLV),
                Arguments.of("video/webm", MediaSamples.webm(2), SniffedFormat.WEBM),
                Arguments.of("video/wmv", MediaSamples.asf(), SniffedFormat.ASF),
                Arguments.of("Image/PNG; foo=bar", MediaSamples.png(1, 1), SniffedFormat.PNG));
    }

    @ParameterizedTest(name = "{0} holding {2}")
    @MethodSource("everyTypeGeminiTakes")
    void bytesThatAreWhatTheyDeclarePass(String mimeType, byte[] data, SniffedFormat expected) {
        InlineMedia media = inspect(mimeType, data);

        assertThat(media.format()).isEqualTo(expected);
        assertThat(media.bytes()).isEqualTo(data.length);
        assertThat(media.path()).isEqualTo("contents[0].parts[1]");
    }

    @Test
    void aJpegDeclaredAsPngIsRefusedNamingThePartAndWhatItLooksLike() {
        assertThatThrownBy(() -> inspect("image/png", MediaSamples.jpeg(2, 2)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("contents[0].parts[1].inlineData: declared image/png but the data is not a PNG image"
                        + " (looks like image/jpeg)")
                .satisfies(e -> assertThat(((InvalidRequestException) e).field())
                        .contains("contents[0].parts[1].inlineData"));
    }

    @Test
    void randomBytesMatchNothing() {
        byte[] random = new byte[512];
        new java.util.Random(7).nextBytes(random);
        random[0] = 0x12; // no signature starts with it
        assertThatThrownBy(() -> inspect("image/png", random))
                .hasMessage("contents[0].parts[1].inlineData: declared image/png but the data is not a PNG image"
                        + " (its first bytes match no known format)");
    }

    @Test
    void mismatchesAcrossKindsAreRefusedToo() {
        assertThatThrownBy(() -> inspect("application/pdf", MediaSamples.png(1, 1)))
                .hasMessageContaining("declared application/pdf but the data is not a PDF document (looks like"
                        + " image/png)");
        assertThatThrownBy(() -> inspect("video/mp4", MediaSamples.heic(8, 8)))
                .hasMessageContaining("is not an MP4 video (looks like image/heic)");
        assertThatThrownBy(() -> inspect("image/heif", MediaSamples.avif()))
                .hasMessageContaining("is not a HEIF image (looks like image/avif)");
        assertThatThrownBy(() -> inspect("audio/mp3", MediaSamples.wav(0.1, 8000, 1, 16)))
                .hasMessageContaining("is not an MP3 audio file (looks like audio/wav)");
        assertThatThrownBy(() -> inspect("image/webp", MediaSamples.wav(0.1, 8000, 1, 16)))
                .hasMessageContaining("(looks like audio/wav)");
    }

    @Test
    void aTypeGeminiDoesNotTakeIsRefusedOnTheMimeTypeField() {
        assertThatThrownBy(() -> inspect("image/gif", MediaSamples.gif(1, 1)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("contents[0].parts[1].inlineData.mimeType: image/gif is not a type Gemini"
                        + " accepts as inline data (images image/png, image/jpeg")
                .satisfies(e -> assertThat(((InvalidRequestException) e).reason())
                        .isEqualTo(InvalidRequestException.Reason.UNSUPPORTED));
        assertThatThrownBy(() -> inspect("application/octet-stream", new byte[4]))
                .hasMessageContaining("application/octet-stream is not a type Gemini accepts");
    }

    @Test
    void aGifDeclaredAsPngSaysItIsAGif() {
        assertThatThrownBy(() -> inspect("image/png", MediaSamples.gif(1, 1)))
                .hasMessageEndingWith("is not a PNG image (looks like image/gif)");
    }

    @Test
    void textDocumentsMustBeUtf8AndCountAsText() {
        InlineMedia csv = inspect("text/csv", "name,city\nZoë,Zürich\n".getBytes(StandardCharsets.UTF_8));
        assertThat(csv.type()).isEqualTo(MediaType.TEXT);
        assertThat(csv.textTokens().getAsLong())
                .isEqualTo(TokenEstimator.countText("name,city\nZoë,Zürich\n"));
        assertThat(inspect("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).type())
                .isEqualTo(MediaType.TEXT);

        assertThatThrownBy(() -> inspect("text/plain", MediaSamples.png(1, 1)))
                .hasMessage("contents[0].parts[1].inlineData: declared text/plain but the data is not UTF-8 text"
                        + " (looks like image/png)");
        assertThatThrownBy(() -> inspect("text/plain", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("is not UTF-8 text");
        byte[] cutMidCharacter = java.util.Arrays.copyOf("€".getBytes(StandardCharsets.UTF_8), 2);
        assertThatThrownBy(() -> inspect("text/plain", cutMidCharacter)).hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void aLongTextDocumentIsCheckedAcrossItsDecodingSteps() {
        // a three-byte character straddles each 48 KiB step of the check
        String text = "€".repeat(70_000);
        InlineMedia media = inspect("text/plain", text.getBytes(StandardCharsets.UTF_8));
        assertThat(media.textTokens().getAsLong()).isGreaterThanOrEqualTo(70_000);
    }

    @Test
    void theSystemInstructionsPartsAreNamedByTheirOwnPath() {
        GenerationRequest request = new GenerationRequest(FLASH, Map.of(
                "contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))),
                "systemInstruction", Map.of("parts", List.of(Map.of("inlineData",
                        Map.of("mimeType", "image/webp", "data", base64(MediaSamples.png(1, 1))))))));
        assertThatThrownBy(request::inlineMedia)
                .hasMessageStartingWith("systemInstruction.parts[0].inlineData: declared image/webp");
    }

    @Test
    void imageSizesComeFromTheirHeaders() {
        assertThat(inspect("image/png", MediaSamples.png(1000, 700)).imageSize()).contains(new ImageSize(1000, 700));
        assertThat(inspect("image/jpeg", MediaSamples.jpeg(800, 600)).imageSize()).contains(new ImageSize(800, 600));
        assertThat(inspect("image/jpeg", MediaSamples.jpegWithLargeApp1(33, 44)).imageSize())
                .contains(new ImageSize(33, 44));
        assertThat(inspect("image/webp", MediaSamples.webpLossless(1000, 2)).imageSize())
                .contains(new ImageSize(1000, 2));
        assertThat(inspect("image/webp", MediaSamples.webpExtended(5000, 3000)).imageSize())
                .contains(new ImageSize(5000, 3000));
        assertThat(inspect("image/webp", MediaSamples.webpLossy(640, 480)).imageSize())
                .contains(new ImageSize(640, 480));
        // a grid image: 512x512 tiles and the whole 4032x3024 picture; the largest extent counts
        assertThat(inspect("image/heic", MediaSamples.heif("heic", "mif1heic", new long[]{512, 512},
                new long[]{4032, 3024})).imageSize()).contains(new ImageSize(4032, 3024));
        assertThat(inspect("image/heic", MediaSamples.heif("heic", "mif1heic")).imageSize()).isEmpty();
    }

    @Test
    void durationsComeFromTheirHeaders() {
        assertThat(seconds("audio/wav", MediaSamples.wav(2.5, 16_000, 1, 16))).isCloseTo(2.5, within(0.001));
        assertThat(seconds("audio/wav", MediaSamples.wav(1, 48_000, 2, 24))).isCloseTo(1, within(0.001));
        assertThat(seconds("audio/mp3", MediaSamples.mp3(12))).isCloseTo(12, within(0.1));
        assertThat(seconds("audio/flac", MediaSamples.flac(61, 44_100))).isCloseTo(61, within(0.001));
        assertThat(seconds("audio/ogg", MediaSamples.oggVorbis(42, 48_000))).isCloseTo(42, within(0.001));
        assertThat(seconds("audio/aiff", MediaSamples.aiff(3, 22_050))).isCloseTo(3, within(0.001));
        // 100 frames of 1,024 samples at 44.1 kHz
        assertThat(seconds("audio/aac", MediaSamples.adts(100, 300))).isCloseTo(100 * 1024 / 44_100.0,
                within(0.001));
        assertThat(seconds("video/mp4", MediaSamples.mp4(75))).isCloseTo(75, within(0.01));
        assertThat(seconds("video/mp4", MediaSamples.isoMedia("mp42", 30, false, 4096))).isCloseTo(30,
                within(0.01));
        assertThat(seconds("video/avi", MediaSamples.avi(250, 25))).isCloseTo(10, within(0.001));
        assertThat(seconds("video/webm", MediaSamples.webm(12.5))).isCloseTo(12.5, within(0.001));
        assertThat(inspect("video/x-flv", MediaSamples.flv()).seconds()).isEmpty();
    }

    private static double seconds(String mimeType, byte[] data) {
        return inspect(mimeType, data).seconds().orElseThrow();
    }

    @Test
    void pdfPagesAreCountedInTheFileAndInCompressedObjectStreams() {
        assertThat(inspect("application/pdf", MediaSamples.pdf(3)).pages()).hasValue(3);
        assertThat(inspect("application/pdf", MediaSamples.pdfWithObjectStream(7)).pages()).hasValue(7);
        byte[] noPages = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF".getBytes(StandardCharsets.US_ASCII);
        assertThat(inspect("application/pdf", noPages).pages()).isEmpty();
    }

    @Test
    void inspectionHappensOnceAndIsKept() {
        GenerationRequest request = request("image/png", MediaSamples.png(10, 10));
        assertThat(request.inlineMedia()).isSameAs(request.inlineMedia());
        GenerationRequest textOnly = new GenerationRequest(FLASH, Map.of("contents",
                List.of(Map.of("parts", List.of(Map.of("text", "hi"))))));
        assertThat(textOnly.inlineParts()).isEmpty();
        assertThat(textOnly.inlineMedia()).isEmpty();
    }
}
