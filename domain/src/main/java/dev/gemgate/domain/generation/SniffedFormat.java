package dev.gemgate.domain.generation;

/**
 * What the first bytes of inline data say it is, by the format's own signature ("magic number"). Formats Gemini
 * does not take (GIF, BMP, TIFF, AVIF, ZIP) are recognised too, so that a refusal can say what the data looks like.
 */
public enum SniffedFormat {
    PNG("image/png"),
    JPEG("image/jpeg"),
    WEBP("image/webp"),
    /** An ISO base media file whose brand is HEVC-coded HEIF ({@code heic}, {@code heix}, ...). */
    HEIC("image/heic"),
    /** An ISO base media file whose brand is another HEIF image ({@code mif1}, {@code msf1}, ...). */
    HEIF("image/heif"),
    AVIF("image/avif"),
    GIF("image/gif"),
    BMP("image/bmp"),
    TIFF("image/tiff"),
    PDF("application/pdf"),
    WAV("audio/wav"),
    MP3("audio/mp3"),
    AIFF("audio/aiff"),
    /** AAC in ADTS or ADIF framing. */
    AAC("audio/aac"),
    OGG("audio/ogg"),
    FLAC("audio/flac"),
    /** An ISO base media file with an MP4 brand ({@code isom}, {@code mp42}, {@code avc1}, ...). */
    MP4("video/mp4"),
    /** A QuickTime movie: the {@code qt} brand, or an old file that starts with a movie atom instead of ftyp. */
    MOV("video/quicktime"),
    THREE_GPP("video/3gpp"),
    /** An ISO base media file with an audio-only brand ({@code M4A}, {@code M4B}). */
    M4A("audio/mp4"),
    /** An MPEG-1/2 program or transport stream, or an MPEG video elementary stream. */
    MPEG("video/mpeg"),
    AVI("video/avi"),
    FLV("video/x-flv"),
    /** EBML: WebM or Matroska. */
    WEBM("video/webm"),
    /** Advanced Systems Format: WMV or WMA. */
    ASF("video/wmv"),
    ZIP("application/zip"),
    UNKNOWN(null);

    private final String looksLike;

    SniffedFormat(String looksLike) {
        this.looksLike = looksLike;
    }

    /** The media type the data looks like, for messages; absent when nothing known matched. */
    public String looksLike() {
        return looksLike;
    }

    boolean isIsoMedia() {
        return this == MP4 || this == MOV || this == THREE_GPP || this == M4A;
    }
}
