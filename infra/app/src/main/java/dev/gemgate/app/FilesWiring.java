package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiFilesAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import dev.gemgate.adapter.web.gemini.GeminiUploadResource;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.resource.FileDelete;
import dev.gemgate.application.resource.FileDownload;
import dev.gemgate.application.resource.FileGet;
import dev.gemgate.application.resource.FileList;
import dev.gemgate.application.resource.FileUploadSettings;
import dev.gemgate.application.resource.UploadFile;
import dev.gemgate.application.resource.UploadFileChunk;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UploadSessions;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The Files API through Gemgate (issue 19): the upstream port on the google-genai SDK (its own SDK clients, with the
 * generation adapter's API version and trusted certificates), the upload settings ({@code gemgate.files.*}) and the
 * use cases.
 */
@Singleton
public class FilesWiring {
    @Produces
    @Singleton
    @Typed({FilesPort.class, GenAiFilesAdapter.class})
    GenAiFilesAdapter filesAdapter(GemgateConfig config) {
        GenAiSettings settings = GenAiSettings.defaults().withGeminiApiVersion(config.upstream().apiVersion());
        Optional<Path> extraCas = config.upstream().extraTrustedCertificatesFile();
        if (extraCas.isPresent()) {
            settings = settings.withExtraTrustedCertificates(GenerationPortProducer.readCertificates(extraCas.get()));
        }
        return new GenAiFilesAdapter(settings);
    }

    void close(@Disposes GenAiFilesAdapter adapter) {
        adapter.close();
    }

    @Produces
    @Singleton
    FileUploadSettings uploadSettings(GemgateConfig config) {
        try {
            return new FileUploadSettings(config.files().uploadPieceBytes(), config.files().uploadSessionTtl());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.files: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    GeminiUploadResource.UploadPublicBase uploadPublicBase(GemgateConfig config) {
        return new GeminiUploadResource.UploadPublicBase(config.files().publicBaseUrl());
    }

    @Produces
    @Singleton
    UploadFile uploadFile(Admission admission, UpstreamCalls upstream, FilesPort files, UploadSessions sessions,
                          Clock clock, FileUploadSettings settings) {
        return new UploadFile(admission, upstream, files, sessions, clock, settings);
    }

    @Produces
    @Singleton
    UploadFileChunk uploadFileChunk(Admission admission, UpstreamCalls upstream, FilesPort files,
                                    UploadSessions sessions, TenantResources store, IdGenerator ids, Clock clock,
                                    FileUploadSettings settings) {
        return new UploadFileChunk(admission, upstream, files, sessions, store, ids, clock, settings);
    }

    @Produces
    @Singleton
    FileGet fileGet(Admission admission, UpstreamCalls upstream, FilesPort files, TenantResources store, Clock clock) {
        return new FileGet(admission, upstream, files, store, clock);
    }

    @Produces
    @Singleton
    FileList fileList(Admission admission, TenantResources store) {
        return new FileList(admission, store);
    }

    @Produces
    @Singleton
    FileDelete fileDelete(Admission admission, UpstreamCalls upstream, FilesPort files, TenantResources store,
                          Clock clock) {
        return new FileDelete(admission, upstream, files, store, clock);
    }

    @Produces
    @Singleton
    FileDownload fileDownload(Admission admission, UpstreamCalls upstream, FilesPort files, TenantResources store,
                              Clock clock) {
        return new FileDownload(admission, upstream, files, store, clock);
    }
}
