package dev.gemgate.app;

import dev.gemgate.adapter.persistence.AesGcmSecretBox;
import dev.gemgate.adapter.persistence.DatabaseGuard;
import dev.gemgate.adapter.persistence.PostgresUpstreamCredentialStore;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.upstream.AddUpstreamCredential;
import dev.gemgate.application.upstream.ChangeUpstreamCredential;
import dev.gemgate.application.upstream.DeleteUpstreamCredential;
import dev.gemgate.application.upstream.GetUpstreamCredential;
import dev.gemgate.application.upstream.ListUpstreamCredentials;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.upstream.CredentialChangeListener;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * The upstream credential pool's storage and its admin use cases. {@link UpstreamCredentialStore} is
 * {@link PostgresUpstreamCredentialStore} with an {@link AesGcmSecretBox} under the master key of
 * {@code gemgate.vault.*} ({@link MasterKeys}). At start-up every stored secret is opened once, so that a wrong master
 * key stops the start naming the credentials it cannot decrypt (a database that is down only delays that to the first
 * use). The use cases tell a {@link CredentialChangeListener} after each change: {@link CredentialChangeListener#NONE}
 * unless another bean (the pool's refresh) replaces this default.
 */
@Singleton
public class CredentialVaultWiring {
    private static final Logger LOG = Logger.getLogger(CredentialVaultWiring.class);

    @Produces
    @Singleton
    AesGcmSecretBox upstreamSecretBox(GemgateConfig config) {
        return new AesGcmSecretBox(MasterKeys.resolve(config.vault(), ConfigUtils.getProfiles().contains("prod"),
                MasterKeys.localKeyFile(config.embeddedPostgres())));
    }

    @Produces
    @Singleton
    UpstreamCredentialStore upstreamCredentialStore(DataSource dataSource, DatabaseGuard guard, AesGcmSecretBox box) {
        return new PostgresUpstreamCredentialStore(dataSource, guard, box);
    }

    @Produces
    @Singleton
    @DefaultBean
    CredentialChangeListener credentialChangeListener() {
        return CredentialChangeListener.NONE;
    }

    void checkMasterKey(@Observes StartupEvent event, UpstreamCredentialStore store) {
        try {
            int count = store.loadAll().size();
            LOG.debugf("the upstream credential pool holds %d credentials", count);
        } catch (ServiceUnavailableException databaseDown) {
            LOG.warn("the upstream credentials could not be read at start-up (the database is unreachable); they are "
                    + "checked at their first use");
        }
    }

    @Produces
    @Singleton
    ListUpstreamCredentials listUpstreamCredentials(UpstreamCredentialStore store) {
        return new ListUpstreamCredentials(store);
    }

    @Produces
    @Singleton
    GetUpstreamCredential getUpstreamCredential(UpstreamCredentialStore store) {
        return new GetUpstreamCredential(store);
    }

    @Produces
    @Singleton
    AddUpstreamCredential addUpstreamCredential(UpstreamCredentialStore store, AdminAudit audit,
                                                CredentialChangeListener listener, Clock clock) {
        return new AddUpstreamCredential(store, audit, listener, clock);
    }

    @Produces
    @Singleton
    ChangeUpstreamCredential changeUpstreamCredential(UpstreamCredentialStore store, AdminAudit audit,
                                                      CredentialChangeListener listener, Clock clock) {
        return new ChangeUpstreamCredential(store, audit, listener, clock);
    }

    @Produces
    @Singleton
    DeleteUpstreamCredential deleteUpstreamCredential(UpstreamCredentialStore store, AdminAudit audit,
                                                      CredentialChangeListener listener) {
        return new DeleteUpstreamCredential(store, audit, listener);
    }
}
