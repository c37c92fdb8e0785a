package dev.gemgate.emulator;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatorTokenizerTest {

    @Test
    void countsWordRunsPunctuationDigitsAndCjk() {
        assertThat(EmulatorTokenizer.count(null)).isZero();
        assertThat(EmulatorTokenizer.count("")).isZero();
        assertThat(EmulatorTokenizer.count("   \n\t")).isZero();
        assertThat(EmulatorTokenizer.count("a")).isEqualTo(1);
        assertThat(EmulatorTokenizer.count("word")).isEqualTo(1);
        assertThat(EmulatorTokenizer.count("Hello")).isEqualTo(2);
        assertThat(EmulatorTokenizer.count("tokenizer")).isEqualTo(3);
        assertThat(EmulatorTokenizer.count("Hello, world!")).isEqualTo(6);
        assertThat(EmulatorTokenizer.count("the cat sat")).isEqualTo(3);
        assertThat(EmulatorTokenizer.count("2026")).isEqualTo(4);
        assertThat(EmulatorTokenizer.count("v2")).isEqualTo(2);
        assertThat(EmulatorTokenizer.count("日本語")).isEqualTo(3);
        assertThat(EmulatorTokenizer.count("café")).isEqualTo(1);
        assertThat(EmulatorTokenizer.count("naïve résumé")).isEqualTo(4);
        assertThat(EmulatorTokenizer.count("😀!")).isEqualTo(2);
    }

    @Test
    void englishProseIsAboutFourCharactersPerToken() {
        String text = "The quick brown fox jumps over the lazy dog while the farmer watches from a distance.";
        double charsPerToken = (double) text.length() / EmulatorTokenizer.count(text);
        assertThat(charsPerToken).isBetween(3.0, 5.0);
    }

    @Test
    void truncateKeepsExactlyNTokens() {
        String text = "Echo: Hello, wonderful world of tokenizers!";
        int total = EmulatorTokenizer.count(text);
        for (int n = 1; n <= total + 2; n++) {
            String cut = EmulatorTokenizer.truncate(text, n);
            assertThat(EmulatorTokenizer.count(cut)).isEqualTo(Math.min(n, total));
            assertThat(text).startsWith(cut);
            assertThat(cut).doesNotEndWith(" ");
        }
        assertThat(EmulatorTokenizer.truncate(text, 2)).isEqualTo("Echo:");
        assertThat(EmulatorTokenizer.truncate(text, 3)).isEqualTo("Echo: Hell");
        assertThat(EmulatorTokenizer.truncate(text, 4)).isEqualTo("Echo: Hello");
        assertThat(EmulatorTokenizer.truncate(text, 0)).isEmpty();
        assertThat(EmulatorTokenizer.truncate(text, 100)).isSameAs(text);
    }

    @Test
    void splitPiecesConcatenateAndAddUp() {
        String text = "Echo: a fairly long sentence, with punctuation and numbers 12345, to split up.  ";
        for (int k = 1; k <= 10; k++) {
            List<String> pieces = EmulatorTokenizer.split(text, k);
            assertThat(String.join("", pieces)).isEqualTo(text);
            assertThat(pieces.stream().mapToInt(EmulatorTokenizer::count).sum()).isEqualTo(EmulatorTokenizer.count(text));
            for (int i = 0; i < pieces.size() - 1; i++) {
                assertThat(EmulatorTokenizer.count(pieces.get(i))).isEqualTo(k);
            }
            assertThat(EmulatorTokenizer.count(pieces.get(pieces.size() - 1))).isBetween(1, k);
        }
        assertThat(EmulatorTokenizer.split("", 8)).containsExactly("");
        assertThatThrownBy(() -> EmulatorTokenizer.split("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsWithPrefixProperty() {
        float[] a = EmulatorEmbeddings.embed("hello", 3072);
        float[] b = EmulatorEmbeddings.embed("hello", 3072);
        float[] c = EmulatorEmbeddings.embed("world", 3072);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(norm(a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        float[] small = EmulatorEmbeddings.embed("hello", 8);
        assertThat(norm(small)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        // same direction as the long vector's prefix
        assertThat(Math.signum(small[0])).isEqualTo(Math.signum(a[0]));
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
