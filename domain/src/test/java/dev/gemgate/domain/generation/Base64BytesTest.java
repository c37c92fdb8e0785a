package dev.gemgate.domain.generation;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Base64BytesTest {
    @Test
    void anyRangeReadsAsTheJdkDecodesItInEveryAlphabetPaddedOrNot() {
        Random random = new Random(42);
        for (int length = 0; length <= 40; length++) {
            byte[] original = new byte[length];
            random.nextBytes(original);
            for (String text : new String[]{Base64.getEncoder().encodeToString(original),
                    Base64.getUrlEncoder().encodeToString(original),
                    Base64.getEncoder().withoutPadding().encodeToString(original)}) {
                Base64Bytes bytes = new Base64Bytes(text);
                assertThat(bytes.size()).as(text).isEqualTo(length);
                for (int offset = 0; offset <= length + 2; offset++) {
                    for (int n = 0; n <= 8; n++) {
                        byte[] expected = Arrays.copyOfRange(original, Math.min(offset, length),
                                Math.min(length, offset + n));
                        assertThat(bytes.read(offset, n)).as("%s @%d+%d", text, offset, n).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void largeReadsThroughTheJdksDecoderAgreeToo() {
        byte[] original = new byte[20_000];
        new Random(7).nextBytes(original);
        for (String text : new String[]{Base64.getEncoder().encodeToString(original),
                Base64.getUrlEncoder().encodeToString(original),
                Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(original, 19_999))}) {
            Base64Bytes bytes = new Base64Bytes(text);
            for (int offset : new int[]{0, 1, 2, 3, 7_001, 15_000, 15_998}) {
                byte[] expected = Arrays.copyOfRange(original, offset, (int) Math.min(bytes.size(), offset + 5_000));
                assertThat(bytes.read(offset, 5_000)).as("%d", offset).isEqualTo(expected);
            }
        }
    }

    @Test
    void aCharacterOutsideBothAlphabetsFailsRatherThanDecodingToGarbage() {
        assertThatThrownBy(() -> new Base64Bytes("AAAA".repeat(2000) + "AA*A").read(0, 6003))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Base64Bytes("AA*A").read(0, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
