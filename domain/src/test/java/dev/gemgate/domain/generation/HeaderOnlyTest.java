package dev.gemgate.domain.generation;

import dev.gemgate.domain.fakes.MediaSamples;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Sniffing and measuring decode the headers they need, not the file: the characters read are counted. */
class HeaderOnlyTest {
    /** A base64 text that remembers the highest position read and how many characters were read. */
    private static final class Watched implements CharSequence {
        private final String text;
        int reads;
        int highest = -1;

        Watched(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            reads++;
            highest = Math.max(highest, index);
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new UnsupportedOperationException();
        }
    }

    private static Watched pad(byte[] header, int totalBytes) {
        return new Watched(MediaSamples.base64(MediaSamples.concat(header, new byte[totalBytes - header.length])));
    }

    @Test
    void aTwentyMegabytePngIsSniffedAndMeasuredFromItsFirstCharacters() {
        Watched text = pad(MediaSamples.png(3000, 2000), 20 * 1024 * 1024);
        Base64Bytes bytes = new Base64Bytes(text);

        assertThat(MediaSniffer.sniff(bytes)).isEqualTo(SniffedFormat.PNG);
        assertThat(MediaProbe.imageSize(bytes, SniffedFormat.PNG)).contains(new ImageSize(3000, 2000));
        assertThat(text.reads).isLessThan(200); // of 28 million characters (the end is looked at for padding)
    }

    @Test
    void anMp4WithItsMovieBoxAtTheEndIsMeasuredFromBoxHeadersOnly() {
        Watched text = new Watched(MediaSamples.base64(MediaSamples.isoMedia("mp42", 93.5, false, 15_000_000)));
        Base64Bytes bytes = new Base64Bytes(text);

        assertThat(MediaSniffer.sniff(bytes)).isEqualTo(SniffedFormat.MP4);
        assertThat(MediaProbe.seconds(bytes, SniffedFormat.MP4).getAsDouble()).isCloseTo(93.5, within());
        assertThat(text.highest).isGreaterThan(20_000_000); // it did reach the moov box at the end...
        assertThat(text.reads).isLessThan(400);               // ...reading a few box headers on the way
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.01);
    }
}
