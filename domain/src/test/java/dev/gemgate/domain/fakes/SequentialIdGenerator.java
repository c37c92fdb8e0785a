package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.IdGenerator;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Predictable ids: 00000000-0000-0000-0000-000000000001, ...002, ... */
public final class SequentialIdGenerator implements IdGenerator {
    private final AtomicLong next = new AtomicLong(1);

    @Override
    public UUID newUuid() {
        return new UUID(0, next.getAndIncrement());
    }
}
