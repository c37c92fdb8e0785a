package dev.gemgate.app;

import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The running gateway's Vert.x has Gemgate's default number of event loops, not Quarkus's one per processor. */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class EventLoopsWiringTest {
    @Inject
    Vertx vertx;

    @Test
    void theGatewayRunsHalfAsManyEventLoopsAsProcessors() {
        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(((VertxInternal) vertx).getEventLoopGroup())
                .isInstanceOfSatisfying(MultithreadEventExecutorGroup.class, group -> assertThat(group.executorCount())
                        .isEqualTo(EventLoopsDefault.forProcessors(processors)));
    }
}
