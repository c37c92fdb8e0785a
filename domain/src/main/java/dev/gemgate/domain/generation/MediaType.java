package dev.gemgate.domain.generation;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The media types Gemini accepts as inline data, and which sniffed formats each one may hold. Sources (checked
 * 2026-11 with the search tool):
 * <ul>
 *   <li>images: png, jpeg, webp, heic, heif, no GIF (https://ai.google.dev/gemini-api/docs/image-understanding;
 *       GEMINI-API.md);</li>
 *   <li>audio: wav, mp3, aiff, aac, ogg, flac (https://ai.google.dev/gemini-api/docs/audio, "Supported audio
 *       formats");</li>
 *   <li>video: mp4, mpeg, mov, avi, x-flv, mpg, webm, wmv, 3gpp (https://ai.google.dev/gemini-api/docs/video and
 *       Google's Gemini capability pages, "video/mp4 ... video/3gpp");</li>
 *   <li>documents: application/pdf, and text documents tokenized as text: text/plain, text/csv, text/html, text/css,
 *       text/javascript or application/x-javascript, text/md, text/x-python or application/x-python, text/rtf,
 *       text/xml (Google's document-understanding pages).</li>
 * </ul>
 * Also accepted, as names of the same formats that SDKs derive from file extensions: {@code audio/mpeg},
 * {@code audio/x-wav}, {@code audio/wave}, {@code audio/x-aiff}, {@code audio/x-flac}, {@code video/quicktime},
 * {@code video/x-msvideo}, {@code video/x-ms-wmv}. Every {@code text/*} type (and {@code application/json},
 * {@code application/xml}, {@code application/javascript}) counts as a text document: its bytes must be UTF-8 (Gemini
 * reads text documents as text; other encodings would reach the model as mojibake), and Gemini stays the judge of
 * unusual subtypes. The declared type is forwarded exactly as written; parameters ({@code ; charset=utf-8}) and case
 * are ignored here.
 */
public enum MediaType {
    PNG(Modality.IMAGE, "a PNG image", List.of("image/png"), EnumSet.of(SniffedFormat.PNG)),
    JPEG(Modality.IMAGE, "a JPEG image", List.of("image/jpeg"), EnumSet.of(SniffedFormat.JPEG)),
    WEBP(Modality.IMAGE, "a WebP image", List.of("image/webp"), EnumSet.of(SniffedFormat.WEBP)),
    HEIC(Modality.IMAGE, "a HEIC image", List.of("image/heic"), EnumSet.of(SniffedFormat.HEIC, SniffedFormat.HEIF)),
    HEIF(Modality.IMAGE, "a HEIF image", List.of("image/heif"), EnumSet.of(SniffedFormat.HEIC, SniffedFormat.HEIF)),
    PDF(Modality.DOCUMENT, "a PDF document", List.of("application/pdf"), EnumSet.of(SniffedFormat.PDF)),
    /** Any text document: checked as UTF-8 rather than by signature. */
    TEXT(Modality.TEXT, "UTF-8 text", List.of(), EnumSet.noneOf(SniffedFormat.class)),
    WAV(Modality.AUDIO, "a WAV audio file", List.of("audio/wav", "audio/x-wav", "audio/wave"),
            EnumSet.of(SniffedFormat.WAV)),
    MP3(Modality.AUDIO, "an MP3 audio file", List.of("audio/mp3", "audio/mpeg"), EnumSet.of(SniffedFormat.MP3)),
    AIFF(Modality.AUDIO, "an AIFF audio file", List.of("audio/aiff", "audio/x-aiff"), EnumSet.of(SniffedFormat.AIFF)),
    /** AAC in ADTS framing or in an MP4 container (.m4a). */
    AAC(Modality.AUDIO, "an AAC audio file", List.of("audio/aac"), EnumSet.of(SniffedFormat.AAC, SniffedFormat.M4A,
            SniffedFormat.MP4, SniffedFormat.THREE_GPP, SniffedFormat.MOV)),
    OGG(Modality.AUDIO, "an Ogg audio file", List.of("audio/ogg"), EnumSet.of(SniffedFormat.OGG)),
    FLAC(Modality.AUDIO, "a FLAC audio file", List.of("audio/flac", "audio/x-flac"), EnumSet.of(SniffedFormat.FLAC)),
    /** MP4, QuickTime and 3GPP are one container (ISO base media); Gemini's decoder reads any of its brands. */
    MP4(Modality.VIDEO, "an MP4 video", List.of("video/mp4"), isoMedia()),
    MPEG(Modality.VIDEO, "an MPEG video", List.of("video/mpeg", "video/mpg"), EnumSet.of(SniffedFormat.MPEG)),
    MOV(Modality.VIDEO, "a QuickTime video", List.of("video/mov", "video/quicktime"), isoMedia()),
    AVI(Modality.VIDEO, "an AVI video", List.of("video/avi", "video/x-msvideo"), EnumSet.of(SniffedFormat.AVI)),
    FLV(Modality.VIDEO, "a Flash video", List.of("video/x-flv"), EnumSet.of(SniffedFormat.FLV)),
    WEBM(Modality.VIDEO, "a WebM video", List.of("video/webm"), EnumSet.of(SniffedFormat.WEBM)),
    WMV(Modality.VIDEO, "a WMV video", List.of("video/wmv", "video/x-ms-wmv"), EnumSet.of(SniffedFormat.ASF)),
    THREE_GPP(Modality.VIDEO, "a 3GPP video", List.of("video/3gpp"), isoMedia());

    public enum Modality { IMAGE, DOCUMENT, TEXT, AUDIO, VIDEO }

    /** For messages: what a caller may declare instead. */
    public static final String ACCEPTED = "images image/png, image/jpeg, image/webp, image/heic, image/heif;"
            + " documents application/pdf and text/* (UTF-8); audio audio/wav, audio/mp3, audio/aiff, audio/aac,"
            + " audio/ogg, audio/flac; video video/mp4, video/mpeg, video/mov, video/avi, video/x-flv, video/mpg,"
            + " video/webm, video/wmv, video/3gpp";

    private static final Set<String> TEXT_APPLICATION_TYPES = Set.of("application/json", "application/xml",
            "application/javascript", "application/x-javascript", "application/x-python");

    private final Modality modality;
    private final String description;
    private final List<String> names;
    private final Set<SniffedFormat> formats;

    MediaType(Modality modality, String description, List<String> names, Set<SniffedFormat> formats) {
        this.modality = modality;
        this.description = description;
        this.names = names;
        this.formats = formats;
    }

    private static EnumSet<SniffedFormat> isoMedia() {
        return EnumSet.of(SniffedFormat.MP4, SniffedFormat.MOV, SniffedFormat.THREE_GPP, SniffedFormat.M4A);
    }

    /** The type a declared {@code mimeType} names, if Gemini accepts it inline. */
    public static Optional<MediaType> forDeclared(String mimeType) {
        String name = essence(mimeType);
        if (name.startsWith("text/") && name.length() > "text/".length() || TEXT_APPLICATION_TYPES.contains(name)) {
            return Optional.of(TEXT);
        }
        for (MediaType type : values()) {
            if (type.names.contains(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** {@code type/subtype} in lower case, without parameters or spaces. */
    static String essence(String mimeType) {
        if (mimeType == null) {
            return "";
        }
        int semicolon = mimeType.indexOf(';');
        String name = semicolon < 0 ? mimeType : mimeType.substring(0, semicolon);
        return name.strip().toLowerCase(Locale.ROOT);
    }

    public Modality modality() {
        return modality;
    }

    /** "a PNG image", for messages. */
    public String description() {
        return description;
    }

    /** Whether data sniffed as {@code format} is what this type declares. */
    public boolean admits(SniffedFormat format) {
        return formats.contains(format);
    }
}
