package dev.gemgate.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One recording emulator on a free port per test class, and a client for it. */
abstract class EmulatorTestBase {
    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void startEmulator() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }
}
