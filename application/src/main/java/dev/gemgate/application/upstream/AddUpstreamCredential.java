package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.upstream.CredentialChangeListener;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

import java.time.Clock;
import java.util.Optional;

/**
 * Adds a credential to the upstream pool (ACTIVE, its secret encrypted by the store): 409 when the id is taken. The
 * pool of this instance uses it at once ({@link CredentialChangeListener}), the other replicas at their next reload.
 * Audited as UPSTREAM_CREDENTIAL_ADDED with the credential as listed, never its secret.
 */
public final class AddUpstreamCredential {
    public record Command(UpstreamCredentialSpec spec, AdminActor actor) {
        public Command {
            if (spec == null || actor == null) {
                throw new InvalidRequestException("a credential and an admin actor are required");
            }
        }
    }

    private final UpstreamCredentialStore store;
    private final AdminAudit audit;
    private final CredentialChangeListener listener;
    private final Clock clock;

    public AddUpstreamCredential(UpstreamCredentialStore store, AdminAudit audit, CredentialChangeListener listener,
                                 Clock clock) {
        this.store = store;
        this.audit = audit;
        this.listener = listener;
        this.clock = clock;
    }

    public CredentialEntry execute(Command command) {
        UpstreamCredential credential = command.spec().toCredential();
        CredentialEntry added = store.add(credential, command.spec().weight(), clock.instant());
        audit.upstreamCredentialChanged(command.actor(), AuditEventType.UPSTREAM_CREDENTIAL_ADDED, Optional.empty(),
                Optional.of(added), "added upstream credential " + added.id() + " (" + added.mode() + ")");
        listener.changed();
        return added;
    }
}
