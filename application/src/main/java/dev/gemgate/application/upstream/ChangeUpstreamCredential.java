package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.upstream.CredentialChangeListener;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

import java.time.Clock;
import java.util.Optional;

/**
 * Sets a pool credential's status (ACTIVE, DRAINING: no new calls, DISABLED: never used) and/or its weight, for an
 * added or the configured credential alike. Nothing is written or recorded when nothing changes; otherwise this
 * instance's pool takes it at once ({@link CredentialChangeListener}) and the change is audited as
 * UPSTREAM_CREDENTIAL_CHANGED with before and after.
 */
public final class ChangeUpstreamCredential {
    public record Command(UpstreamCredentialId id, Optional<CredentialStatus> status, Optional<Integer> weight,
                          AdminActor actor) {
        public Command {
            if (id == null || status == null || weight == null || actor == null) {
                throw new InvalidRequestException("a credential id, the change and an admin actor are required");
            }
            if (status.isEmpty() && weight.isEmpty()) {
                throw new InvalidRequestException("a change sets the status, the weight or both");
            }
            weight.flatMap(UpstreamCredentialSpec::weightProblem).ifPresent(problem -> {
                throw InvalidRequestException.forField(UpstreamCredentialSpec.WEIGHT, problem);
            });
        }
    }

    private final UpstreamCredentialStore store;
    private final AdminAudit audit;
    private final CredentialChangeListener listener;
    private final Clock clock;

    public ChangeUpstreamCredential(UpstreamCredentialStore store, AdminAudit audit,
                                    CredentialChangeListener listener, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.listener = listener;
        this.clock = clock;
    }

    /** The credential as it now is. */
    public CredentialEntry execute(Command command) {
        CredentialEntry before = GetUpstreamCredential.existing(store, command.id());
        if (command.status().orElse(before.status()) == before.status()
                && command.weight().orElse(before.weight()) == before.weight()) {
            return before;
        }
        CredentialEntry after = store.update(command.id(), command.status(), command.weight(), clock.instant())
                .orElseThrow(() -> new NotFoundException("No upstream credential " + command.id() + "."));
        audit.upstreamCredentialChanged(command.actor(), AuditEventType.UPSTREAM_CREDENTIAL_CHANGED,
                Optional.of(before), Optional.of(after), describe(before, after));
        listener.changed();
        return after;
    }

    private static String describe(CredentialEntry before, CredentialEntry after) {
        StringBuilder detail = new StringBuilder("upstream credential ").append(after.id());
        if (before.status() != after.status()) {
            detail.append(": ").append(before.status()).append(" -> ").append(after.status());
        }
        if (before.weight() != after.weight()) {
            detail.append(before.status() != after.status() ? ", " : ": ").append("weight ").append(before.weight())
                    .append(" -> ").append(after.weight());
        }
        return detail.toString();
    }
}
