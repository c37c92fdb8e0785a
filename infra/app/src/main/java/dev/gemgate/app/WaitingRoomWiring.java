package dev.gemgate.app;

import dev.gemgate.domain.waiting.WaitingRoom;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The waiting room of refused requests ({@code gemgate.quota.max-wait}, {@code gemgate.quota.max-waiters}), reporting
 * to {@link WaitingRoomMetrics}. A setting it refuses (a negative wait or count) stops the start, naming the setting.
 */
public class WaitingRoomWiring {
    @Produces
    @Singleton
    WaitingRoom waitingRoom(GemgateConfig config, Clock clock, WaitingRoomMetrics metrics) {
        GemgateConfig.Quota quota = config.quota();
        WaitingRoom.Settings settings;
        try {
            settings = new WaitingRoom.Settings(quota.maxWait(), quota.maxWaiters());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.quota.max-wait and gemgate.quota.max-waiters: " + e.getMessage(),
                    e);
        }
        return new WaitingRoom(settings, clock, metrics);
    }
}
