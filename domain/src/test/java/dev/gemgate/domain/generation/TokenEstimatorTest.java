package dev.gemgate.domain.generation;

import dev.gemgate.domain.fakes.MediaSamples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.gemgate.domain.fakes.MediaSamples.base64;
import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimatorTest {
    private final TokenEstimator estimator = new TokenEstimator();

    @Test
    void countsWordPiecesAndPunctuation() {
        assertThat(TokenEstimator.countText("")).isZero();
        assertThat(TokenEstimator.countText("Hello")).isEqualTo(2);          // 5 letters: 2 pieces of 4
        assertThat(TokenEstimator.countText("Hi there!")).isEqualTo(1 + 2 + 1);
        assertThat(TokenEstimator.countText("a b c")).isEqualTo(3);
    }

    @Test
    void estimatesInputWithMedia() {
        GenerationRequest request = new GenerationRequest(ModelId.parse("gemini-2.5-flash"), Map.of(
                "contents", List.of(Map.of("parts", List.of(Map.of("text", "Describe"),
                        inline("image/png", MediaSamples.png(1, 1))))),
                "systemInstruction", Map.of("parts", List.of(Map.of("text", "terse"))),
                "generationConfig", Map.of("maxOutputTokens", 100, "candidateCount", 2)));
        assertThat(estimator.estimateInput(request)).isEqualTo(2 + TokenEstimator.TOKENS_PER_MEDIA_PART + 2);
    }

    // ------------------------------------------------------------ the upper bound of the reservation

    @Test
    void theBoundCountsTextAtItsUtf8BytesWhateverTheScript() {
        // 5 ASCII letters, 4 CJK characters (3 bytes each), one emoji outside the BMP (4 bytes), one accented letter
        GenerationRequest request = text("gemini-2.5-flash", "Hello 你好世界 \uD83D\uDE00 é");
        assertThat(TokenEstimator.utf8Bytes("Hello 你好世界 \uD83D\uDE00 é")).isEqualTo(5 + 1 + 12 + 1 + 4 + 1 + 2);
        assertThat(estimator.boundInput(request)).isEqualTo(new TokenEstimator.InputBound(26, 0));
        // the close estimate counts the CJK run as one word: a fraction of what Gemini bills for it
        assertThat(estimator.estimateInput(request)).isLessThan(10);
    }

    @Test
    void theBoundOfCjkTextIsAtLeastOneTokenPerCharacter() {
        String cjk = "日本語のテキストは一文字が一トークン以上になることが多い".repeat(50);
        long characters = cjk.codePointCount(0, cjk.length());
        assertThat(estimator.boundInput(text("gemini-3.6-flash", cjk)).tokens()).isGreaterThanOrEqualTo(characters);
    }

    @Test
    void theBoundCountsMediaAsTheEstimateDoesAndSeparatesAudio() {
        // an audio file is counted at the bound of its length, 32 tokens a second, all at the audio rate
        GenerationRequest request = new GenerationRequest(ModelId.parse("gemini-2.5-flash"), Map.of(
                "contents", List.of(Map.of("parts", List.of(Map.of("text", "abc"),
                        inline("image/png", MediaSamples.png(1, 1)),
                        Map.of("fileData", Map.of("mimeType", "audio/mpeg", "fileUri", "files/x")))))));
        TokenEstimator.InputBound bound = estimator.boundInput(request);
        long fileAudio = 32L * MediaBounds.defaults().fileAudioSeconds();
        assertThat(bound).isEqualTo(new TokenEstimator.InputBound(3 + TokenEstimator.TOKENS_PER_MEDIA_PART + fileAudio,
                fileAudio));
        assertThat(estimator.estimateInput(request)).isEqualTo(1 + TokenEstimator.TOKENS_PER_MEDIA_PART + fileAudio);
    }

    @Test
    void theBoundIsCappedAtTheContextWindow() {
        TokenEstimator small = new TokenEstimator(new MediaBounds(600, 3_600, 300, 100_000, 1_000));
        assertThat(small.boundInput(text("gemini-2.5-flash", "x".repeat(5_000))).tokens()).isEqualTo(1_000);
    }

    @Test
    void namesTheFirstPartWhoseLengthCannotBeMeasured() {
        assertThat(estimator.firstUnmeasuredPart(text("gemini-2.5-flash", "plain text"))).isEmpty();
        GenerationRequest withFile = new GenerationRequest(ModelId.parse("gemini-2.5-flash"), Map.of(
                "contents", List.of(Map.of("parts", List.of(Map.of("text", "a"))),
                        Map.of("parts", List.of(Map.of("text", "b"),
                                Map.of("fileData", Map.of("mimeType", "video/mp4", "fileUri", "files/v")))))));
        assertThat(estimator.firstUnmeasuredPart(withFile)).contains("contents[1].parts[1].fileData");
        GenerationRequest image = new GenerationRequest(ModelId.parse("gemini-2.5-flash"), Map.of(
                "contents", List.of(Map.of("parts", List.of(inline("image/png", MediaSamples.png(2, 2)))))));
        assertThat(estimator.firstUnmeasuredPart(image)).isEmpty();
    }

    private static GenerationRequest text(String model, String text) {
        return new GenerationRequest(ModelId.parse(model), Map.of(
                "contents", List.of(Map.of("parts", List.of(Map.of("text", text))))));
    }

    // ------------------------------------------------------------ images

    @Test
    void gemini2CountsAnImageUpTo384PixelsAsOneTileAndLargerOnesPer768PixelTile() {
        assertThat(media("gemini-2.5-flash", inline("image/png", MediaSamples.png(384, 384)))).isEqualTo(258);
        assertThat(media("gemini-2.5-flash", inline("image/png", MediaSamples.png(385, 100)))).isEqualTo(258);
        assertThat(media("gemini-2.5-flash", inline("image/jpeg", MediaSamples.jpeg(1000, 800))))
                .isEqualTo(2 * 2 * 258);
        assertThat(media("gemini-2.5-pro", inline("image/webp", MediaSamples.webpExtended(4032, 3024))))
                .isEqualTo(6 * 4 * 258);
        // an image whose size cannot be read counts as a 12-megapixel photo
        assertThat(media("gemini-2.5-flash", inline("image/heic", MediaSamples.heif("heic", "mif1heic"))))
                .isEqualTo(6 * 4 * 258);
    }

    @Test
    void gemini3CountsAnImageByItsMediaResolutionWhateverItsSize() {
        Map<String, Object> big = inline("image/png", MediaSamples.png(4000, 4000));
        Map<String, Object> small = inline("image/png", MediaSamples.png(10, 10));
        assertThat(media("gemini-3.5-flash", big)).isEqualTo(1120);
        assertThat(media("gemini-3.5-flash", small)).isEqualTo(1120);
        assertThat(media("gemini-4-argon", big)).isEqualTo(1120);
        assertThat(mediaWith("gemini-3.5-flash", "MEDIA_RESOLUTION_LOW", big)).isEqualTo(280);
        assertThat(mediaWith("gemini-3.5-flash", "MEDIA_RESOLUTION_MEDIUM", big)).isEqualTo(560);
        // a part's own level wins over the request's, and ULTRA_HIGH exists per part only
        assertThat(mediaWith("gemini-3.5-flash", "MEDIA_RESOLUTION_LOW",
                withPart(big, "mediaResolution", Map.of("level", "MEDIA_RESOLUTION_ULTRA_HIGH")))).isEqualTo(2240);
        // a level this gateway does not know yet counts as the highest
        assertThat(media("gemini-3.5-flash", withPart(big, "mediaResolution", Map.of("level", "MEDIA_RESOLUTION_8K"))))
                .isEqualTo(2240);
    }

    @Test
    void gemini2IgnoresPerPartLevelsItDoesNotHave() {
        Map<String, Object> image = withPart(inline("image/png", MediaSamples.png(1000, 1000)), "mediaResolution",
                Map.of("level", "MEDIA_RESOLUTION_LOW"));
        assertThat(media("gemini-2.5-flash", image)).isEqualTo(2 * 2 * 258);
    }

    // ------------------------------------------------------------ documents

    @Test
    void pdfsCountPerPage() {
        Map<String, Object> pdf = inline("application/pdf", MediaSamples.pdf(3));
        assertThat(media("gemini-2.5-flash", pdf)).isEqualTo(3 * 258);
        assertThat(media("gemini-3.5-flash", pdf)).isEqualTo(3 * 560);
        assertThat(mediaWith("gemini-3.5-flash", "MEDIA_RESOLUTION_HIGH", pdf)).isEqualTo(3 * 1120);
        assertThat(media("gemini-2.5-flash", inline("application/pdf", MediaSamples.pdfWithObjectStream(12))))
                .isEqualTo(12 * 258);
        byte[] uncountable = "%PDF-1.7\n%%EOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(media("gemini-2.5-flash", inline("application/pdf", uncountable)))
                .isEqualTo(TokenEstimator.UNKNOWN_PDF_PAGES * 258);
    }

    @Test
    void textDocumentsCountAsText() {
        String text = "The quick brown fox jumps over the lazy dog.";
        assertThat(media("gemini-2.5-flash", inline("text/plain",
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).isEqualTo(TokenEstimator.countText(text));
    }

    // ------------------------------------------------------------ audio and video

    @Test
    void audioCounts32TokensASecondOfItsDeclaredDuration() {
        assertThat(media("gemini-2.5-flash", inline("audio/wav", MediaSamples.wav(10, 16_000, 1, 16))))
                .isEqualTo(10 * 32);
        assertThat(media("gemini-3.5-flash", inline("audio/flac", MediaSamples.flac(60.2, 44_100))))
                .isEqualTo(61 * 32);
        assertThat(mediaWith("gemini-3.5-flash", "MEDIA_RESOLUTION_LOW",
                inline("audio/wav", MediaSamples.wav(10, 16_000, 1, 16)))).isEqualTo(10 * 32);
    }

    @Test
    void audioWithoutAReadableDurationIsBoundedByItsSizeAt16Kbps() {
        byte[] mp3WithoutFrames = MediaSamples.concat(MediaSamples.ascii("ID3"), new byte[]{4, 0, 0, 0, 0, 0, 0},
                new byte[40_000 - 10]);
        assertThat(media("gemini-2.5-flash", inline("audio/mp3", mp3WithoutFrames))).isEqualTo(20 * 32);
    }

    @Test
    void aHeaderClaimingAnImplausiblyShortDurationIsNotBelieved() {
        // 1 MB of samples at a claimed 100 MHz is 0.01 s, 800 Mbit/s: the size bound (16 kbit/s, ~500 s) applies
        byte[] wav = MediaSamples.wav(0.01, 100_000_000, 1, 8);
        assertThat(wav.length).isGreaterThan(1_000_000);
        assertThat(media("gemini-2.5-flash", inline("audio/wav", wav)))
                .isEqualTo((long) Math.ceil(wav.length / 2_000.0) * 32);
    }

    @Test
    void videoCountsFramesAudioAndTimestampsPerSecond() {
        Map<String, Object> minute = inline("video/mp4", MediaSamples.mp4(60));
        assertThat(media("gemini-2.5-flash", minute)).isEqualTo(60 * (258 + 32 + 7));
        assertThat(mediaWith("gemini-2.5-flash", "MEDIA_RESOLUTION_LOW", minute)).isEqualTo(60 * (66 + 32 + 7));
        assertThat(media("gemini-3.5-flash", minute)).isEqualTo(60 * (70 + 32 + 7));
        assertThat(mediaWith("gemini-3.5-flash", "MEDIA_RESOLUTION_HIGH", minute)).isEqualTo(60 * (280 + 32 + 7));
        // five frames a second: five times the frames, the same audio
        assertThat(media("gemini-2.5-flash", withPart(minute, "videoMetadata", Map.of("fps", 5))))
                .isEqualTo(60 * (32 + 7) + 300 * 258);
    }

    @Test
    void videoWithoutACheapDurationIsBoundedByItsSizeAt100Kbps() {
        byte[] flv = MediaSamples.concat(MediaSamples.flv(), new byte[125_000 - MediaSamples.flv().length]);
        assertThat(media("gemini-2.5-flash", inline("video/x-flv", flv))).isEqualTo(10 * (258 + 32 + 7));
    }

    // ------------------------------------------------------------ fileData and the cap

    @Test
    void fileDataCountsAsTheLargestFileTheBoundsAllow() {
        MediaBounds bounds = new MediaBounds(120, 600, 50, 9_000, 1_048_576);
        TokenEstimator bounded = new TokenEstimator(bounds);
        assertThat(files(bounded, "gemini-2.5-flash", "image/png")).isEqualTo(6 * 4 * 258);
        assertThat(files(bounded, "gemini-3.5-flash", "image/jpeg")).isEqualTo(1120);
        assertThat(files(bounded, "gemini-2.5-flash", "application/pdf")).isEqualTo(50 * 258);
        assertThat(files(bounded, "gemini-3.5-flash", "application/pdf")).isEqualTo(50 * 560);
        assertThat(files(bounded, "gemini-2.5-flash", "audio/mp3")).isEqualTo(600 * 32);
        assertThat(files(bounded, "gemini-2.5-flash", "video/mp4")).isEqualTo(120 * (258 + 32 + 7));
        assertThat(files(bounded, "gemini-2.5-flash", "text/plain")).isEqualTo(9_000);
        assertThat(estimate(bounded, "gemini-2.5-flash", Map.of("fileData",
                Map.of("fileUri", "https://www.youtube.com/watch?v=9hE5-98ZeCg")))).isEqualTo(120 * (258 + 32 + 7));
    }

    @Test
    void theTotalIsCappedAtTheInputLimitNoCallCanBillMore() {
        TokenEstimator capped = new TokenEstimator(new MediaBounds(600, 3_600, 300, 100_000, 10_000));
        List<Object> parts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            parts.add(Map.of("fileData", Map.of("mimeType", "video/mp4", "fileUri", "gs://bucket/v" + i + ".mp4")));
        }
        GenerationRequest request = new GenerationRequest(ModelId.parse("gemini-2.5-flash"),
                Map.of("contents", List.of(Map.of("parts", parts))));
        assertThat(capped.estimateInput(request)).isEqualTo(10_000);
    }

    @Test
    void modelGenerationsAreToldApartByName() {
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-2.5-flash"))).isEqualTo(MediaCounting.GEMINI_2);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-1.5-pro"))).isEqualTo(MediaCounting.GEMINI_2);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-3-flash-preview"))).isEqualTo(MediaCounting.GEMINI_3);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-3.1-pro-preview"))).isEqualTo(MediaCounting.GEMINI_3);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-4-argon"))).isEqualTo(MediaCounting.GEMINI_3);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-12-x"))).isEqualTo(MediaCounting.GEMINI_3);
        assertThat(MediaCounting.forModel(ModelId.parse("gemma-3-27b-it"))).isEqualTo(MediaCounting.GEMINI_2);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-exp-1206"))).isEqualTo(MediaCounting.GEMINI_2);
        assertThat(MediaCounting.forModel(ModelId.parse("gemini-3"))).isEqualTo(MediaCounting.GEMINI_3);
    }

    // ------------------------------------------------------------ helpers

    private static Map<String, Object> inline(String mimeType, byte[] data) {
        return Map.of("inlineData", Map.of("mimeType", mimeType, "data", base64(data)));
    }

    private static Map<String, Object> withPart(Map<String, Object> part, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(part);
        copy.put(field, value);
        return copy;
    }

    /** The tokens of one media part alone (the request's other part is the empty text). */
    private long media(String model, Map<String, Object> part) {
        return estimate(estimator, model, part);
    }

    private long mediaWith(String model, String level, Map<String, Object> part) {
        GenerationRequest request = new GenerationRequest(ModelId.parse(model), Map.of(
                "contents", List.of(Map.of("parts", List.of(part))),
                "generationConfig", Map.of("mediaResolution", level)));
        return estimator.estimateInput(request);
    }

    private static long estimate(TokenEstimator estimator, String model, Map<String, Object> part) {
        return estimator.estimateInput(new GenerationRequest(ModelId.parse(model),
                Map.of("contents", List.of(Map.of("parts", List.of(part))))));
    }

    private static long files(TokenEstimator estimator, String model, String mimeType) {
        return estimate(estimator, model, Map.of("fileData", Map.of("mimeType", mimeType,
                "fileUri", "https://generativelanguage.googleapis.com/v1beta/files/abc123")));
    }
}
