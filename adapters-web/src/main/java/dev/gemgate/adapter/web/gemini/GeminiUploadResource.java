package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.adapter.web.TenantKeys;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.application.resource.UploadFile;
import dev.gemgate.application.resource.UploadFileChunk;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.tenant.ApiSurface;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Google's resumable upload protocol at {@code /upload/v1beta/files} and {@code /upload/v1/files} (the Java SDK 2.x's
 * default), as the SDKs speak it:
 *
 * <ul>
 *   <li><b>start</b> (no {@code upload_id}): authenticated by the tenant's key like every tenant call (here, from the
 *       headers, before the body is read: this class is not a {@code @TenantSurface}, whose filter would refuse the
 *       key-less chunks); answers 200 with an empty body and {@code X-Goog-Upload-URL}: Gemgate's own absolute URL
 *       (its public base: {@code gemgate.files.public-base-url}, else the request's {@code X-Forwarded-Proto} and
 *       {@code X-Forwarded-Host} or {@code Host}; the same path as the start) with an unguessable {@code upload_id}.
 *       The upstream's URL never leaves the gateway;</li>
 *   <li><b>chunks</b> ({@code X-Goog-Upload-Command: upload} or {@code upload, finalize}, {@code X-Goog-Upload-Offset}):
 *       authorized by the {@code upload_id} (Python sends no key; a key that is sent must be the session's tenant's).
 *       The body is read as a stream on the virtual thread and forwarded piece by piece
 *       ({@link UploadFileChunk}). Answers {@code X-Goog-Upload-Status: active}, or {@code final} with
 *       {@code {"file":{...}}}; a {@code query} command answers the bytes received.</li>
 * </ul>
 * Every error on these paths carries {@code X-Goog-Upload-Status: final} ({@link UploadErrorStatus}); without it every
 * SDK retries the same chunk three times.
 */
@Path("/upload/{version:v1|v1beta}/files")
public class GeminiUploadResource {
    public static final String STATUS = "X-Goog-Upload-Status";
    /** The most a start request's JSON body may hold (it names the file; the bytes come in the chunks). */
    static final int MAX_START_BODY = 64 * 1024;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");

    private final UploadFile start;
    private final UploadFileChunk chunk;
    private final AuthenticateApiKey authenticate;
    private final Clock clock;
    private final Optional<String> publicBaseUrl;

    public GeminiUploadResource(UploadFile start, UploadFileChunk chunk, AuthenticateApiKey authenticate, Clock clock,
                                UploadPublicBase publicBase) {
        this.start = start;
        this.chunk = chunk;
        this.authenticate = authenticate;
        this.clock = clock;
        this.publicBaseUrl = publicBase.url();
    }

    /** Where the gateway is reached from outside, when a proxy's path prefix or host must be fixed in configuration. */
    public record UploadPublicBase(Optional<String> url) {
        public UploadPublicBase {
            url = url.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        }
    }

    @POST
    @RunOnVirtualThread
    public Response upload(@PathParam("version") String version, @QueryParam("upload_id") String uploadId,
                           @Context ContainerRequestContext request, @Context HttpServerRequest http,
                           InputStream body) {
        Set<String> command = commands(request.getHeaderString("X-Goog-Upload-Command"));
        if (uploadId == null) {
            return start(request, http, command, body);
        }
        Optional<Caller> presenter = presentedKey(request).isPresent()
                ? Optional.of(authenticate(request, http)) : Optional.empty();
        if (command.contains("query") && !command.contains("upload") && !command.contains("finalize")) {
            long received = chunk.received(uploadId, presenter);
            return Response.ok().header(STATUS, "active").header("X-Goog-Upload-Size-Received", received).build();
        }
        if (!command.contains("upload") && !command.contains("finalize")) {
            throw new InvalidRequestException("X-Goog-Upload-Command must be \"upload\", \"upload, finalize\" or "
                    + "\"finalize\" on an upload URL.");
        }
        UploadFileChunk.Result result;
        try {
            result = chunk.execute(new UploadFileChunk.Command(uploadId, presenter, command.contains("finalize"),
                    offset(request.getHeaderString("X-Goog-Upload-Offset")), body, RequestIdFilter.of(request),
                    RequestIdFilter.correlationOf(request)));
        } catch (UncheckedIOException e) {
            throw new InvalidRequestException("The chunk's bytes could not be read to their end.");
        }
        return switch (result) {
            case UploadFileChunk.Result.Active active -> Response.ok().header(STATUS, "active")
                    .header("X-Goog-Upload-Size-Received", active.receivedBytes()).build();
            case UploadFileChunk.Result.Final done -> Response.ok(GeminiJson.write(Map.of("file", done.file())),
                    MediaType.APPLICATION_JSON_TYPE).header(STATUS, "final").build();
        };
    }

    private Response start(ContainerRequestContext request, HttpServerRequest http, Set<String> command,
                           InputStream body) {
        Caller caller = authenticate(request, http);
        MDC.put("tenantId", caller.tenant().toString());
        if (!command.contains("start")) {
            throw new InvalidRequestException("X-Goog-Upload-Command: start is required to begin an upload (with "
                    + "X-Goog-Upload-Protocol: resumable); chunks go to the upload URL it answers.");
        }
        FilesPort.UploadStart upload = new FilesPort.UploadStart(startBody(body),
                declaredLength(request.getHeaderString("X-Goog-Upload-Header-Content-Length")),
                header(request, "X-Goog-Upload-Header-Content-Type"), header(request, "X-Goog-Upload-File-Name"));
        UploadFile.Result result = start.execute(new UploadFile.Command(
                TenantRequests.context(request, caller, Optional.empty(), clock), upload));
        String url = publicBase(request, http) + request.getUriInfo().getPath() + "?upload_id="
                + result.uploadId().value() + "&upload_protocol=resumable";
        return TenantRequests.withRateLimits(Response.ok()
                .header("X-Goog-Upload-URL", url)
                .header(STATUS, "active")
                .header("X-Goog-Upload-Chunk-Granularity", 262_144), result.rateLimits()).build();
    }

    private Caller authenticate(ContainerRequestContext request, HttpServerRequest http) {
        return authenticate.authenticate(presentedKey(request), new AuthenticateApiKey.Attempt(
                http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress(), ApiSurface.GEMINI,
                RequestIdFilter.of(request), RequestIdFilter.correlationOf(request)));
    }

    private static Optional<String> presentedKey(ContainerRequestContext request) {
        return TenantKeys.extract(request.getHeaders().get("x-goog-api-key"),
                request.getUriInfo().getQueryParameters().get("key"), request.getHeaders().get("Authorization"));
    }

    /** The configured public base, else the request's scheme and host as a proxy in front reports them. */
    private String publicBase(ContainerRequestContext request, HttpServerRequest http) {
        if (publicBaseUrl.isPresent()) {
            return publicBaseUrl.get();
        }
        String proto = first(request.getHeaderString("X-Forwarded-Proto"));
        String scheme = "https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto)
                ? proto.toLowerCase(Locale.ROOT) : http.scheme();
        String host = first(request.getHeaderString("X-Forwarded-Host"));
        if (host == null || !HOST.matcher(host).matches()) {
            host = request.getHeaderString("Host");
        }
        if (host == null || !HOST.matcher(host).matches()) {
            host = http.authority() == null ? "localhost" : http.authority().toString();
        }
        return scheme + "://" + host;
    }

    private static String first(String header) {
        return header == null ? null : header.split(",")[0].strip();
    }

    private static String startBody(InputStream body) {
        try (body) {
            byte[] bytes = body.readNBytes(MAX_START_BODY + 1);
            if (bytes.length > MAX_START_BODY) {
                throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                        "The start of an upload carries the file's metadata only (at most " + MAX_START_BODY
                                + " bytes); send the bytes to the upload URL it answers.");
            }
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                GeminiJson.readObject(bytes); // a JSON object, or a 400 naming the problem
            }
            return text;
        } catch (IOException e) {
            throw new InvalidRequestException("The start request's body could not be read.");
        }
    }

    private static OptionalLong declaredLength(String header) {
        if (header == null || header.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(header.strip());
            if (n >= 0) {
                return OptionalLong.of(n);
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw InvalidRequestException.forField("X-Goog-Upload-Header-Content-Length", "must be a number of bytes.");
    }

    private static long offset(String header) {
        if (header == null || header.isBlank()) {
            throw InvalidRequestException.forField("X-Goog-Upload-Offset", "is required on an upload chunk.");
        }
        try {
            long n = Long.parseLong(header.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw InvalidRequestException.forField("X-Goog-Upload-Offset", "must be a number of bytes.");
    }

    private static Optional<String> header(ContainerRequestContext request, String name) {
        return Optional.ofNullable(request.getHeaderString(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static Set<String> commands(String header) {
        return header == null ? Set.of() : Arrays.stream(header.split(",")).map(String::strip)
                .filter(c -> !c.isEmpty()).map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}
