package dev.gemgate.adapter.gemini;

import dev.gemgate.emulator.GeminiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/** An adapter against a real emulator per test class (subclasses start both, configured as they need). */
abstract class EmulatorBackedTest {
    static GeminiEmulator emulator;
    static GenAiGenerationAdapter adapter;

    @AfterAll
    static void stopAdapterAndEmulator() {
        adapter.close();
        emulator.close();
    }

    @BeforeEach
    void resetEmulator() {
        emulator.faults().clear();
        emulator.clearRecordedRequests();
    }
}
