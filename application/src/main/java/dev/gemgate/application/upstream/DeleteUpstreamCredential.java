package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.upstream.CredentialChangeListener;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

import java.util.Optional;

/**
 * Deletes an added credential and its secret. Only a DISABLED one (409 otherwise): a rotation adds the new credential,
 * drains the old one until its calls in flight are done, disables it, and only then deletes it, so that no replica is
 * still using a credential that disappears. The configured credential is refused (409): it is removed from the
 * configuration. Audited as UPSTREAM_CREDENTIAL_DELETED with the credential as it was.
 */
public final class DeleteUpstreamCredential {
    public record Command(UpstreamCredentialId id, AdminActor actor) {
        public Command {
            if (id == null || actor == null) {
                throw new InvalidRequestException("a credential id and an admin actor are required");
            }
        }
    }

    private final UpstreamCredentialStore store;
    private final AdminAudit audit;
    private final CredentialChangeListener listener;

    public DeleteUpstreamCredential(UpstreamCredentialStore store, AdminAudit audit,
                                    CredentialChangeListener listener) {
        this.store = store;
        this.audit = audit;
        this.listener = listener;
    }

    /** The credential as it was before its deletion. */
    public CredentialEntry execute(Command command) {
        CredentialEntry before = GetUpstreamCredential.existing(store, command.id());
        if (before.source() == CredentialSource.CONFIGURATION) {
            throw new ConflictException("Upstream credential " + before.id() + " comes from the deployment's "
                    + "configuration: remove it from the configuration (disable it here meanwhile).");
        }
        if (before.status() != CredentialStatus.DISABLED) {
            throw new ConflictException("Upstream credential " + before.id() + " is " + before.status()
                    + ": only a DISABLED credential is deleted (drain it, then disable it, then delete it).");
        }
        if (store.delete(command.id())) {
            audit.upstreamCredentialChanged(command.actor(), AuditEventType.UPSTREAM_CREDENTIAL_DELETED,
                    Optional.of(before), Optional.empty(), "deleted upstream credential " + before.id());
            listener.changed();
        }
        return before;
    }
}
