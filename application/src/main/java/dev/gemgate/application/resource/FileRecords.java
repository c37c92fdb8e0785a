package dev.gemgate.application.resource;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourceRefusals;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.TenantId;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What the Files use cases share: the Files API's admission lane, the one refusal for a file the caller may not see,
 * and reading Google's File object into the ownership record.
 */
final class FileRecords {
    /** The upstream lane of every Files API call (Google limits its resource APIs apart from its models). */
    static final ModelId FILES_API = new ModelId("files");
    private static final Pattern STATE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private FileRecords() {
    }

    /**
     * The tenant's live file of that id, or THE refusal ({@link ResourceRefusals#fileNotFound}) for another tenant's,
     * a deleted, an unknown or a malformed one: the same words whichever, before anything reaches the upstream.
     */
    static TenantResource owned(TenantResources store, TenantId tenant, String id) {
        return name(id).flatMap(name -> store.find(tenant, name))
                .orElseThrow(() -> ResourceRefusals.fileNotFound(id));
    }

    static Optional<UpstreamResourceName> name(String id) {
        String value = ResourceKind.FILE.prefix() + (id == null ? "" : id);
        return UpstreamResourceName.isValid(ResourceKind.FILE, value)
                ? Optional.of(new UpstreamResourceName(ResourceKind.FILE, value)) : Optional.empty();
    }

    /**
     * A failure of a call naming an owned file: when Google no longer has it (it expired there), the record is marked
     * deleted and the answer is the same refusal as for any file the caller may not see.
     */
    static RuntimeException gone(RuntimeException failure, TenantResources store, TenantResource file, Instant now) {
        if (failure instanceof UpstreamException u && u.kind() == UpstreamException.Kind.NOT_FOUND) {
            store.delete(file.tenant(), file.name(), now);
            return ResourceRefusals.fileNotFound(file.name().id());
        }
        return failure;
    }

    /** What a File object says that the record keeps: its state, expiry, size, and the object itself. */
    static ResourceUpdate described(Map<String, Object> file) {
        ResourceUpdate update = ResourceUpdate.none().withDescription(dev.gemgate.domain.generation.JsonText.write(file));
        Optional<String> state = state(file);
        if (state.isPresent()) {
            update = update.withState(state.get());
        }
        Optional<Instant> expiry = expireTime(file);
        if (expiry.isPresent()) {
            update = update.withExpireTime(expiry.get());
        }
        OptionalLong size = sizeBytes(file);
        if (size.isPresent()) {
            update = update.withSizeBytes(size.getAsLong());
        }
        return update;
    }

    static Optional<String> state(Map<String, Object> file) {
        return JsonTree.string(file, "state").filter(s -> STATE.matcher(s).matches());
    }

    static Optional<Instant> expireTime(Map<String, Object> file) {
        try {
            return JsonTree.string(file, "expirationTime").map(Instant::parse);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Google's int64 {@code sizeBytes}: a string of digits (a number is read too). */
    static OptionalLong sizeBytes(Map<String, Object> file) {
        Object size = file.get("sizeBytes");
        if (size instanceof Number n) {
            return JsonTree.exactLong(n).stream().filter(v -> v >= 0).findFirst();
        }
        if (size instanceof String s && s.matches("[0-9]{1,19}")) {
            BigInteger value = new BigInteger(s);
            return value.bitLength() < 64 ? OptionalLong.of(value.longValue()) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
