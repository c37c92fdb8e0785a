package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.TenantAuthenticationFilter;
import dev.gemgate.adapter.web.TenantRequests;
import dev.gemgate.adapter.web.TenantSurface;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.resource.FileDelete;
import dev.gemgate.application.resource.FileDownload;
import dev.gemgate.application.resource.FileGet;
import dev.gemgate.application.resource.FileList;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.resource.FilesPort;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Google's Files API (get, list, delete, download) for the caller's own files, under {@code /v1beta/files} and
 * {@code /v1/files} (the Java SDK 2.x calls {@code /v1}); uploads are {@link GeminiUploadResource}. Ownership, the
 * refusals and the pinning to the file's credential are the use cases'; this translates JSON only. Bodies as Google
 * answers them: the File object, {@code {"files":[...],"nextPageToken":"..."}} ({@code {}} when there are none),
 * {@code {}} for a delete, the raw bytes of a download.
 */
@Path("/{version:v1|v1beta}/files")
@TenantSurface
public class GeminiFilesResource {
    private static final String DOWNLOAD = ":download";

    private final FileGet get;
    private final FileList list;
    private final FileDelete delete;
    private final FileDownload download;
    private final Clock clock;

    public GeminiFilesResource(FileGet get, FileList list, FileDelete delete, FileDownload download, Clock clock) {
        this.get = get;
        this.list = list;
        this.delete = delete;
        this.download = download;
        this.clock = clock;
    }

    @GET
    @RunOnVirtualThread
    public Response list(@Context ContainerRequestContext request, @QueryParam("pageSize") String pageSize,
                         @QueryParam("pageToken") String pageToken) {
        FileList.Result result = list.execute(new FileList.Command(context(request), pageSize(pageSize),
                Optional.ofNullable(pageToken)));
        StringBuilder body = new StringBuilder("{");
        if (!result.files().isEmpty()) {
            body.append("\"files\":[").append(String.join(",", result.files())).append(']');
        }
        result.nextPageToken().ifPresent(token -> body.append(body.length() > 1 ? "," : "")
                .append("\"nextPageToken\":").append(new String(GeminiJson.write(token), StandardCharsets.UTF_8)));
        body.append('}');
        return TenantRequests.withRateLimits(Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE),
                result.rateLimits()).build();
    }

    /** {@code files/{id}}, and {@code files/{id}:download} (with {@code alt=media}) for the bytes. */
    @GET
    @Path("{id}")
    @RunOnVirtualThread
    public Response get(@Context ContainerRequestContext request, @PathParam("id") String id) {
        if (id.endsWith(DOWNLOAD)) {
            return download(request, id.substring(0, id.length() - DOWNLOAD.length()));
        }
        FileGet.Result result = get.execute(new FileGet.Command(context(request), id));
        return TenantRequests.withRateLimits(Response.ok(GeminiJson.write(result.file()),
                MediaType.APPLICATION_JSON_TYPE), result.rateLimits()).build();
    }

    @DELETE
    @Path("{id}")
    @RunOnVirtualThread
    public Response delete(@Context ContainerRequestContext request, @PathParam("id") String id) {
        FileDelete.Result result = delete.execute(new FileDelete.Command(context(request), id));
        return TenantRequests.withRateLimits(Response.ok("{}", MediaType.APPLICATION_JSON_TYPE), result.rateLimits())
                .build();
    }

    /** The bytes as the upstream sends them, copied through a small buffer: never held whole. */
    private Response download(ContainerRequestContext request, String id) {
        FileDownload.Result result = download.execute(new FileDownload.Command(context(request), id));
        FilesPort.DownloadedFile file = result.download();
        StreamingOutput body = out -> {
            try (file; InputStream in = file.body()) {
                in.transferTo(out);
            }
        };
        Response.ResponseBuilder response = Response.ok(body)
                .type(file.contentType().orElse(MediaType.APPLICATION_OCTET_STREAM));
        file.contentLength().ifPresent(n -> response.header("Content-Length", n));
        return TenantRequests.withRateLimits(response, result.rateLimits()).build();
    }

    private RequestContext context(ContainerRequestContext request) {
        return TenantRequests.context(request, TenantAuthenticationFilter.callerOf(request), Optional.empty(), clock);
    }

    private static OptionalInt pageSize(String text) {
        if (text == null || text.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            throw InvalidRequestException.forField("pageSize", "must be a whole number.");
        }
    }
}
